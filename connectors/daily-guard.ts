import { CrmError } from './crm-connector.port.ts';

/**
 * The daily allocation the CRM reports on its answers: Salesforce's
 * `Sforce-Limit-Info: api-usage=used/limit` (a rolling 24 hours, shared by every integration of
 * the org), HubSpot's `X-HubSpot-RateLimit-Daily` and `-Daily-Remaining` (private apps; the
 * day ends at midnight in the account's time zone).
 */
export interface DailyReport {
  readonly used: number;
  readonly limit: number;
}

/**
 * - `ok`: spend as needed.
 * - `background_paused`: the day's usage passed 90% of the service's budget: sweeps and
 *   reports stop, webhooks go on.
 * - `paused`: the usage passed the budget: webhooks are answered 503 too, and the CRM's own
 *   redelivery brings them back once the counter has gone down.
 * - `exhausted`: the CRM refused a call because the day's allocation is spent: nothing is
 *   sent until the cool-down ends (a circuit breaker), so redeliveries spend no refused calls.
 */
export type DailyState = 'ok' | 'background_paused' | 'paused' | 'exhausted';

export interface DailyStatus {
  readonly state: DailyState;
  /** The day's usage as a share of the allocation, from the last report. */
  readonly usage?: number;
  /** Seconds until the guard lets a call through again to read the counter. */
  readonly retryAfterSeconds?: number;
}

export interface DailyGuard {
  report(report: DailyReport): void;
  /** The CRM refused a call: its daily allocation is spent. */
  exhausted(retryAfterSeconds: number | undefined): void;
  /**
   * Throws `crm_daily_budget` unless this work may call the CRM now; `probe` when it may only
   * because a call is due to read the counter again (the rest of that work may go on too).
   */
  check(background: boolean): 'go' | 'probe';
  status(): DailyStatus;
}

/** While paused, one call in this long goes through to read the CRM's counter again. */
export const PROBE_INTERVAL_MS = 60_000;
/** The cool-down after a refusal that gave no `Retry-After`. */
export const EXHAUSTED_COOL_DOWN_MS = 15 * 60_000;
const BACKGROUND_SHARE = 0.9;

/**
 * @param budget the share of the daily allocation (0–1] past which the service stops spending
 *   (`CRM_DAILY_BUDGET`); usage counts every integration's calls, as the CRM reports it.
 */
export function createDailyGuard(budget: number, clock: () => number = Date.now): DailyGuard {
  let usage: number | undefined;
  let closedUntil = 0;
  let nextProbeAt = 0;

  function state(at: number): DailyState {
    if (at < closedUntil) return 'exhausted';
    if (usage === undefined) return 'ok';
    if (usage >= budget) return 'paused';
    return usage >= budget * BACKGROUND_SHARE ? 'background_paused' : 'ok';
  }

  function retryAfterSeconds(at: number): number {
    return Math.max(1, Math.ceil((Math.max(closedUntil, nextProbeAt) - at) / 1000));
  }

  return {
    report({ used, limit }) {
      // During the cool-down only late answers arrive (calls sent before the refusal): they do
      // not reopen the circuit. After it, the probe's answer says where the counter stands.
      if (!(limit > 0 && used >= 0) || clock() < closedUntil) return;
      usage = used / limit;
    },
    exhausted(seconds) {
      const at = clock();
      closedUntil = at + (seconds === undefined ? EXHAUSTED_COOL_DOWN_MS : seconds * 1000);
      nextProbeAt = closedUntil;
      usage = Math.max(usage ?? 0, 1);
    },
    check(background) {
      const at = clock();
      const now = state(at);
      const stopped = now === 'exhausted' || now === 'paused' || (background && now !== 'ok');
      if (!stopped) return 'go';
      // One piece of work a minute reads the counter again (the readiness probe, a redelivery).
      if (now !== 'exhausted' && at >= nextProbeAt) {
        nextProbeAt = at + PROBE_INTERVAL_MS;
        return 'probe';
      }
      const percent = Math.round((usage ?? 1) * 100);
      throw new CrmError(
        now === 'exhausted'
          ? 'The CRM refused calls: its daily API allocation is spent'
          : `The CRM's daily API usage is at ${percent}%, past this service's budget (CRM_DAILY_BUDGET)`,
        { code: 'crm_daily_budget', retryable: true, retryAfterSeconds: retryAfterSeconds(at) },
      );
    },
    status() {
      const at = clock();
      const now = state(at);
      return {
        state: now,
        ...(usage === undefined ? {} : { usage }),
        ...(now === 'ok' ? {} : { retryAfterSeconds: retryAfterSeconds(at) }),
      };
    },
  };
}
