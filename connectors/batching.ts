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
 * A readiness probe that calls the CRM at most once per `readyMs` while it succeeds and once per
 * `unreadyMs` while it fails, however many ask at once: `GET /readyz` is open to anyone who
 * reaches the port, and Kubernetes probes every few seconds, so no probe may spend the
 * customer's API budget. Callers that ask while a probe is out share its answer.
 */
export function cachedReadiness(
  probe: () => PromiseLike<unknown>,
  { readyMs = 30_000, unreadyMs = 5_000 } = {},
): () => Promise<boolean> {
  let known: { readonly ready: boolean; readonly until: number } | undefined;
  let asking: Promise<boolean> | undefined;
  return () => {
    if (known && Date.now() < known.until) return Promise.resolve(known.ready);
    asking ??= (async () => {
      const ready = await Promise.resolve()
        .then(probe)
        .then(
          () => true,
          () => false,
        );
      known = { ready, until: Date.now() + (ready ? readyMs : unreadyMs) };
      asking = undefined;
      return ready;
    })();
    return asking;
  };
}
