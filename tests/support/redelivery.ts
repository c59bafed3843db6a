/** How a webhook sender behaves when it is not acknowledged: it delivers again, and again. */

export interface RedeliveryStats {
  deliveries: number;
  attempts: number;
  acknowledged: number;
  gaveUp: number;
  /** Answers seen, by HTTP status (0 = no answer). */
  readonly statuses: Record<number, number>;
}

export const newStats = (): RedeliveryStats => ({
  deliveries: 0,
  attempts: 0,
  acknowledged: 0,
  gaveUp: 0,
  statuses: {},
});

/**
 * Sends one delivery until it is acknowledged (2xx) or `maxAttempts` is spent: HubSpot makes
 * 1 + 10 attempts, Salesforce keeps going for a day. `Retry-After` is honoured, scaled down to
 * at most `maxWaitMs` so the test takes seconds, not hours. A 4xx other than 429 ends it: a
 * sender does not retry a refusal, and for these tests it is a failure.
 */
export async function deliverUntilAcknowledged(
  send: () => Promise<Response>,
  stats: RedeliveryStats,
  { maxAttempts, maxWaitMs = 150 }: { maxAttempts: number; maxWaitMs?: number },
): Promise<boolean> {
  stats.deliveries++;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    stats.attempts++;
    let status = 0;
    let retryAfter = 0;
    try {
      const response = await send();
      status = response.status;
      retryAfter = Number(response.headers.get('retry-after') ?? 0);
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      stats.acknowledged++;
      return true;
    }
    if (status >= 400 && status < 500 && status !== 429) break;
    const wait = Math.min(maxWaitMs, retryAfter * 1000) + Math.random() * 50;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  stats.gaveUp++;
  return false;
}

/** Runs `work` over `items` with at most `concurrency` in flight, as a sender's workers do. */
export async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Splits `items` into runs of 1 to `max`, sized by `random`, as a sender batches events. */
export function randomBatches<T>(items: readonly T[], max: number, random: () => number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const size = 1 + Math.floor(random() * max);
    batches.push(items.slice(i, i + size));
    i += size;
  }
  return batches;
}
