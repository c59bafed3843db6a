/** Splits `items` into runs of at most `size`, for CRM batch endpoints with a record limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Pages of ids (a CRM search, possibly with repeats) as batches of `size` new ids. `seen` holds
 * every id handed out. The next page is read only once the caller has handled the batch before.
 */
export async function* idBatches(
  pages: AsyncIterable<readonly string[]>,
  size: number,
  seen = new Set<string>(),
): AsyncGenerator<string[]> {
  let pending: string[] = [];
  for await (const page of pages) {
    for (const id of page) {
      if (seen.has(id)) continue;
      seen.add(id);
      pending.push(id);
    }
    while (pending.length >= size) {
      yield pending.slice(0, size);
      pending = pending.slice(size);
    }
  }
  if (pending.length > 0) yield pending;
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
