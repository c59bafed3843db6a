import { HttpError } from './errors.ts';

/** A share of the process's time that a route's synchronous work may take. */
export interface CpuBudget {
  /** Runs `work`, or throws 429 `overloaded` while this window's share is spent. */
  spend<T>(work: () => T): T;
}

export interface CpuBudgetOptions {
  /** The share of each window the work may take. @default 0.25 */
  readonly share?: number;
  /** @default 1000 */
  readonly windowMs?: number;
  /** Milliseconds, monotonic; tests pass their own. @default performance.now */
  readonly clock?: () => number;
}

/**
 * Caps the time an open route's work takes per window. The cadence preview needs no token and
 * costs milliseconds of CPU a request (tens for a lead whose phone allows a dozen zones): a
 * flood of them queued every webhook behind it past the CRM's patience. Past its share, a
 * request is refused at the cost of a clock read, and the rest of the window is left to the
 * deliveries.
 */
export function cpuBudget(options: CpuBudgetOptions = {}): CpuBudget {
  const windowMs = options.windowMs ?? 1000;
  const allowedMs = (options.share ?? 0.25) * windowMs;
  const clock = options.clock ?? (() => performance.now());
  let windowStart = Number.NEGATIVE_INFINITY;
  let spentMs = 0;
  return {
    spend(work) {
      const start = clock();
      if (start - windowStart >= windowMs) {
        windowStart = start;
        spentMs = 0;
      }
      if (spentMs >= allowedMs) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - start) / 1000));
        throw new HttpError(
          429,
          'overloaded',
          'The cadence preview has used its share of the service’s time for now; try again in a second',
          undefined,
          retryAfter,
        );
      }
      try {
        return work();
      } finally {
        spentMs += clock() - start;
      }
    },
  };
}
