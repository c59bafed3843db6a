import type { FastifyRequest } from 'fastify';
import { type RequestGate, type WorkBudget, withBudget } from '../../connectors/request-gate.ts';
import { HttpError } from './errors.ts';
import type { LoadMonitor } from './load-monitor.ts';

export interface DeadlineOptions {
  /** Time the sender waits for an answer, less a margin. */
  readonly deadlineMs: number;
  /** The CRM's client-side rate limit; none means nothing to shed for. */
  readonly gate?: RequestGate | undefined;
  /** Requests the work typically makes, reserved in the gate's queue estimate. */
  readonly requests: number;
  /** The process's own load: a CPU-bound process sheds new deliveries (`shedIfOverloaded`). */
  readonly load?: Pick<LoadMonitor, 'delayMs' | 'overloaded'> | undefined;
}

/** Spreads the redeliveries of a shed burst over [wait, 2 × wait] instead of one instant. */
const spread = (waitMs: number) => Math.max(1, Math.ceil((waitMs * (1 + Math.random())) / 1000));

/**
 * 429 `overloaded` while the process is CPU-bound: checked once a delivery is authenticated and
 * before its body is parsed (see `webhookScope`), so that a busy process spends nothing more on it.
 */
export function shedIfOverloaded(request: FastifyRequest, load: DeadlineOptions['load']): void {
  if (!load?.overloaded()) return;
  const delayMs = Math.round(load.delayMs());
  request.log.warn({ eventLoopDelayMs: delayMs }, 'process overloaded; delivery shed');
  throw new HttpError(
    429,
    'overloaded',
    `The service is overloaded (its event loop runs ${delayMs} ms late); deliver again later`,
    undefined,
    spread(2000),
  );
}

/**
 * Runs a webhook's CRM work within the sender's patience. Work that could not even start in
 * time is shed at once with 429 + `Retry-After`. Work that runs out of time answers 503 +
 * `Retry-After`; it stops at its next CRM request (a request in flight completes), and
 * whatever it wrote is found by the redelivery, which then has less to do.
 */
export async function withinDeadline<T>(
  request: FastifyRequest,
  options: DeadlineOptions,
  work: () => Promise<T>,
): Promise<T> {
  const { deadlineMs, gate } = options;
  // The whole delivery must fit: a first request that starts in time is no use if the last one
  // waits for the next window and the sender gives up.
  const queued = gate?.expectedWaitMs(options.requests) ?? 0;
  if (queued > deadlineMs / 2) {
    request.log.warn({ expectedWaitMs: queued }, 'CRM request queue full; delivery shed');
    throw new HttpError(
      429,
      'overloaded',
      `The CRM rate limit is taken for the next ${Math.ceil(queued / 1000)} s; deliver again later`,
      undefined,
      // Each shed delivery gets its own turn: redeliveries arrive as capacity opens.
      Math.max(1, Math.ceil((gate?.book(options.requests) ?? queued) / 1000)),
    );
  }
  const controller = new AbortController();
  const budget: WorkBudget = {
    signal: controller.signal,
    deadlineAt: performance.now() + deadlineMs,
    reserved: options.requests,
  };
  const release = gate?.admit(budget) ?? (() => {});
  const running = withBudget(budget, work);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new HttpError(
          503,
          'deadline_exceeded',
          `The CRM work did not finish within ${deadlineMs} ms; deliver again later`,
          undefined,
          spread((gate?.expectedWaitMs() ?? 0) + deadlineMs),
        ),
      );
    }, deadlineMs);
  });
  // Once the answer has gone, the rest of the work only logs how it ended.
  running.catch((err: unknown) => {
    if (controller.signal.aborted) request.log.info({ err }, 'work stopped after the deadline');
  });
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
    release();
  }
}
