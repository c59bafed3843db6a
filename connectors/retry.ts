import pRetry from 'p-retry';
import { CrmError } from './crm-connector.port.ts';
import { currentBudget, deadlineError, type RequestGate, timeLeftMs } from './request-gate.ts';

export interface RetryPolicy {
  /** Further attempts after the first one. */
  readonly retries: number;
  readonly minTimeoutMs: number;
  /** The longest `Retry-After` worth waiting for inside a webhook; longer waits go back to the sender. */
  readonly maxWaitMs: number;
}

/** A short budget: a webhook sender waits seconds, and redelivers anything not acknowledged. */
export const WEBHOOK_RETRY_POLICY: RetryPolicy = { retries: 2, minTimeoutMs: 200, maxWaitMs: 2000 };

/**
 * Runs one CRM call, retrying failures that `toCrmError` marks retryable (rate limits, 5xx,
 * network errors) with exponential backoff and jitter, never sooner than the CRM's `Retry-After`.
 * Anything else, and the last failure, is thrown as a `CrmError`.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  toCrmError: (error: unknown) => CrmError,
  options: {
    readonly idempotent: boolean;
    readonly policy?: RetryPolicy;
    /** Each attempt waits its turn here (client-side rate limit and concurrency cap). */
    readonly gate?: RequestGate | undefined;
  },
): Promise<T> {
  const policy = options.policy ?? WEBHOOK_RETRY_POLICY;
  const { gate } = options;
  const signal = currentBudget()?.signal;
  const attempt = async () => {
    try {
      return await (gate ? gate.run(call) : call());
    } catch (error) {
      throw error instanceof CrmError ? error : toCrmError(error);
    }
  };
  try {
    return await retrying(attempt, options.idempotent, policy, signal);
  } catch (error) {
    // The sender stopped waiting: what is left goes back to it as one clear failure.
    if (signal?.aborted) throw deadlineError();
    throw error;
  }
}

function retrying<T>(
  attempt: () => Promise<T>,
  idempotent: boolean,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
): Promise<T> {
  return pRetry(attempt, {
    retries: policy.retries,
    minTimeout: policy.minTimeoutMs,
    factor: 2,
    randomize: true,
    maxRetryTime: policy.maxWaitMs * (policy.retries + 1),
    signal,
    // A create that failed with a 5xx or a dropped connection may have been written all the
    // same: sending it again could make twins, so only a refused (rate-limited) one is resent
    // here. The pipeline re-reads the CRM and decides again instead.
    shouldRetry: ({ error, retryDelay }) =>
      error instanceof CrmError &&
      error.retryable &&
      error.code !== 'deadline_exceeded' &&
      (idempotent || error.code === 'crm_rate_limited') &&
      (error.retryAfterSeconds ?? 0) * 1000 <= policy.maxWaitMs &&
      Math.max(retryDelay, (error.retryAfterSeconds ?? 0) * 1000) < timeLeftMs(),
    onFailedAttempt: async ({ error, retryDelay, retriesLeft }) => {
      if (!(error instanceof CrmError && error.retryable) || retriesLeft === 0) return;
      const wait = (error.retryAfterSeconds ?? 0) * 1000;
      if (wait > retryDelay && wait <= policy.maxWaitMs) {
        await new Promise((resolve) => setTimeout(resolve, wait - retryDelay));
      }
    },
  });
}
