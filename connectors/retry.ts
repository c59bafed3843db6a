import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { CrmError } from './crm-connector.port.ts';
import { currentBudget, deadlineError, type RequestGate, timeLeftMs } from './request-gate.ts';
import type { CrmTelemetry } from './telemetry.ts';

/**
 * A short budget: a webhook sender waits seconds, and redelivers anything not acknowledged.
 * `maxWaitMs` is the longest `Retry-After` worth waiting for; longer waits go back to the sender.
 */
const POLICY = { retries: 2, minTimeoutMs: 200, maxWaitMs: 2000 };

/**
 * A connector's way to run its calls: `call(operation, fn, idempotent)` with its own error
 * mapping, gate and telemetry bound once.
 */
export function crmCaller(
  toCrmError: (operation: string, error: unknown) => CrmError,
  options: { readonly gate?: RequestGate; readonly telemetry?: CrmTelemetry | undefined },
) {
  return <T>(operation: string, fn: () => Promise<T>, idempotent = true): Promise<T> =>
    withRetries(operation, fn, (error) => toCrmError(operation, error), {
      idempotent,
      gate: options.gate,
      telemetry: options.telemetry,
    });
}

/**
 * Runs one CRM call, retrying failures that `toCrmError` marks retryable (rate limits, 5xx,
 * network errors) with exponential backoff and jitter, never sooner than the CRM's `Retry-After`
 * and never past the work's deadline. Anything else, and the last failure, is thrown as a
 * `CrmError`.
 */
export async function withRetries<T>(
  operation: string,
  call: () => Promise<T>,
  toCrmError: (error: unknown) => CrmError,
  options: {
    readonly idempotent: boolean;
    /** Each attempt waits its turn here (client-side rate limit and concurrency cap). */
    readonly gate?: RequestGate | undefined;
    readonly telemetry?: CrmTelemetry | undefined;
  },
): Promise<T> {
  const { gate, idempotent, telemetry } = options;
  const signal = currentBudget()?.signal;
  const attempt = async () => {
    try {
      const result = await (gate ? gate.run(call) : call());
      telemetry?.attempt(operation, 'ok');
      return result;
    } catch (error) {
      const failure = error instanceof CrmError ? error : toCrmError(error);
      // A deadline that passed in the queue made no request to count.
      if (failure.code !== 'deadline_exceeded') telemetry?.attempt(operation, failure.code);
      throw failure;
    }
  };
  try {
    return await pRetry(attempt, {
      retries: POLICY.retries,
      minTimeout: POLICY.minTimeoutMs,
      factor: 2,
      randomize: true,
      maxRetryTime: POLICY.maxWaitMs * (POLICY.retries + 1),
      signal,
      // Decides, then waits out the part of `Retry-After` the backoff does not cover; the wait
      // ends early when the deadline passes.
      shouldRetry: async ({ error, retryDelay }) => {
        if (!(error instanceof CrmError) || !error.retryable) return false;
        // A create that failed with a 5xx or a dropped connection may have been written all
        // the same: sending it again could make twins, so only a refused (rate-limited) one is
        // resent here. The pipeline re-reads the CRM and decides again instead.
        if (!idempotent && error.code !== 'crm_rate_limited') return false;
        const wait = (error.retryAfterSeconds ?? 0) * 1000;
        if (wait > POLICY.maxWaitMs || Math.max(retryDelay, wait) >= timeLeftMs()) return false;
        if (wait > retryDelay) await sleep(wait - retryDelay, undefined, { signal });
        telemetry?.retry(operation, error.code);
        return true;
      },
    });
  } catch (error) {
    // The sender stopped waiting: what is left goes back to it as one clear failure.
    if (signal?.aborted) throw deadlineError();
    throw error;
  }
}
