/**
 * One CRM budget, however many replicas: each replica paces itself from what the CRM reports
 * on every answer about the account's rolling request window (HubSpot's
 * `X-HubSpot-RateLimit-Max`, `-Remaining` and `-Interval-Milliseconds`), with no store shared
 * between replicas.
 *
 * On each report a replica may claim a `1 ÷ replicas` part of what the window has left above a
 * small reserve, counting its own requests still in flight as claimed (the CRM may not have
 * counted them yet). Even if every replica claims at the same moment from the same report,
 * together they take no more than is left; a replica alone gets a fresh report with every
 * answer, so it still fills the window. Between reports the window frees as old requests
 * leave it; when is known only for this replica's own requests, so the estimate frees those
 * alone until the report is a whole interval old. Without a fresh report
 * (Salesforce has no burst window; HubSpot's search answers carry no headers; a replica that
 * has been idle) the replica falls back to the static split: the share divided by the replicas.
 */

/** The account's request window, as the CRM reports it on an answer. */
export interface WindowReport {
  /** Requests the window allows. */
  readonly max: number;
  /** Requests left in the window when the answer was made. */
  readonly remaining: number;
  /** The window's length. */
  readonly intervalMs: number;
}

interface Reading {
  readonly at: number;
  readonly max: number;
  readonly remaining: number;
  readonly intervalMs: number;
  /** This replica's requests since the report, those in flight when it came included. */
  claimed: number;
  /** This replica's start times in the window when the report came, oldest first. */
  readonly own: readonly number[];
}

export interface AccountShare {
  /**
   * Takes a report that arrived at `at`, while this replica had `inFlight` other requests out
   * and had started requests at `own` (oldest first) within the window.
   */
  record(report: WindowReport, at: number, inFlight: number, own: readonly number[]): void;
  /**
   * How many more requests this replica may start now; `undefined` when no fresh report
   * exists and the static split (`staticLimit` per window) applies.
   */
  claimable(at: number): number | undefined;
  /** Counts a request this replica starts. */
  started(): void;
  /** When one more request becomes claimable, if no report comes first. */
  nextClaimAt(at: number): number;
  /** Requests per window under the static split (today's per-replica figure). */
  readonly staticLimit: number;
  /** Requests per window a replica can count on while pacing by reports: its part, less the reserve. */
  readonly paceLimit: number;
}

/**
 * @param share requests per window the service may use, all replicas together (`CRM_RATE_LIMIT`)
 * @param replicas replicas that may run at once (`CRM_REPLICAS`)
 */
export function createAccountShare(share: number, replicas: number): AccountShare {
  const parts = Math.max(1, replicas);
  // The reserve absorbs what other replicas have in flight and the CRM has not counted yet.
  const reserveOf = (cap: number) => Math.max(2 * parts, Math.ceil(cap * 0.03));
  const staticLimit = Math.max(1, Math.floor(share / parts));
  const paceLimit = Math.max(1, Math.floor((share - reserveOf(share)) / parts));
  let reading: Reading | undefined;

  /**
   * Requests that have left the window by `at`: certainly our own, each one interval after it
   * started; the other replicas' may be newer, so they count only once the report is stale.
   */
  function freed(r: Reading, at: number): number {
    const used = r.max - r.remaining;
    if (at - r.at >= r.intervalMs) return used;
    let gone = 0;
    while (gone < r.own.length && (r.own[gone] ?? 0) + r.intervalMs <= at) gone++;
    return Math.min(used, gone);
  }

  /** What the window has left for the service at `at`, above the reserve. */
  function left(r: Reading, at: number): number {
    const cap = Math.min(r.max, share);
    const used = r.max - r.remaining;
    return cap - used + freed(r, at) - reserveOf(cap);
  }

  return {
    staticLimit,
    paceLimit,
    record(report, at, inFlight, own) {
      const { max, remaining, intervalMs } = report;
      if (!(max > 0 && remaining >= 0 && remaining <= max && intervalMs > 0)) return;
      const inWindow = own.filter((start) => start > at - intervalMs);
      reading = { at, max, remaining, intervalMs, claimed: inFlight, own: inWindow };
    },
    claimable(at) {
      if (!reading || at - reading.at > reading.intervalMs) return undefined;
      return Math.floor(left(reading, at) / parts) - reading.claimed;
    },
    started() {
      if (reading) reading.claimed++;
    },
    nextClaimAt(at) {
      const r = reading;
      if (!r) return at;
      // The next moments the window frees, by the model: each of our starts leaving it.
      for (const start of r.own) {
        const t = start + r.intervalMs;
        if (t > at && Math.floor(left(r, t) / parts) - r.claimed >= 1) return t;
      }
      return r.at + r.intervalMs;
    },
  };
}
