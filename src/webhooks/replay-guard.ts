/**
 * Does the work of a signed delivery once. A v3 signature covers the method, the URI, the body
 * and the moment HubSpot sent it, so the same signature again is the same request again: a
 * replay of a captured delivery within the five minutes the signature is accepted, or the very
 * bytes resent. The work is idempotent, but each run reads the CRM (seven requests for a full
 * delivery), so a replayed delivery costs nothing but the signature check: it gets the answer
 * the first one got, or waits for it while the first is still at work. Per process: a replay
 * sent to each of N replicas is done at most N times.
 */
export interface ReplayGuard {
  once<T>(key: string, until: number, work: () => Promise<T>): Promise<Answered<T>>;
}

export interface Answered<T> {
  readonly answer: T;
  /** The answer of an earlier request with the same signature; no work was done. */
  readonly replayed: boolean;
}

export interface ReplayGuardOptions {
  /** Answers kept at most; the oldest go first. @default 10_000 */
  readonly max?: number;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

export function replayGuard({ max = 10_000, now }: ReplayGuardOptions): ReplayGuard {
  const answered = new Map<string, { readonly until: number; readonly answer: unknown }>();
  const running = new Map<string, Promise<unknown>>();

  const remember = (key: string, until: number, answer: unknown) => {
    const at = now();
    // Oldest first (insertion order): drop the expired ones, then the oldest past the bound.
    for (const [old, entry] of answered) {
      if (entry.until > at && answered.size < max) break;
      answered.delete(old);
    }
    answered.set(key, { until, answer });
  };

  return {
    async once<T>(key: string, until: number, work: () => Promise<T>): Promise<Answered<T>> {
      const known = answered.get(key);
      if (known && known.until > now()) return { answer: known.answer as T, replayed: true };
      const pending = running.get(key);
      if (pending) return { answer: (await pending) as T, replayed: true };
      const started = work();
      running.set(key, started);
      try {
        const answer = await started;
        remember(key, until, answer);
        return { answer, replayed: false };
      } finally {
        running.delete(key);
      }
    },
  };
}
