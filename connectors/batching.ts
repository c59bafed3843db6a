/** Splits `items` into runs of at most `size`, for CRM batch endpoints with a record limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A readiness probe that calls the CRM at most once per `ttlMs` while it succeeds: Kubernetes
 * probes every few seconds, and each probe must not spend the API budget.
 */
export function cachedReadiness(
  probe: () => PromiseLike<unknown>,
  ttlMs = 30_000,
): () => Promise<boolean> {
  let readyUntil = 0;
  return async () => {
    if (Date.now() < readyUntil) return true;
    try {
      await probe();
      readyUntil = Date.now() + ttlMs;
      return true;
    } catch {
      return false;
    }
  };
}
