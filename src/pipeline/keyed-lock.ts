/**
 * Runs work for a set of keys one holder at a time per key. All keys are claimed in the same
 * synchronous step, so two holders can never wait on each other.
 */
export function createKeyedLock() {
  const tails = new Map<string, Promise<void>>();
  return async function withKeys<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const turn = Promise.withResolvers<void>();
    const before = unique.map((k) => tails.get(k));
    for (const k of unique) tails.set(k, turn.promise);
    await Promise.all(before);
    try {
      return await work();
    } finally {
      turn.resolve();
      for (const k of unique) if (tails.get(k) === turn.promise) tails.delete(k);
    }
  };
}
