import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Whether the process is too busy to take more webhook work right now. */
export interface LoadMonitor {
  /** The event loop's p99 delay over the last sample, in milliseconds. */
  delayMs(): number;
  overloaded(): boolean;
  close(): void;
}

/**
 * Samples the event loop's delay every `sampleMs`. When its p99 over the last sample passes
 * `maxDelayMs`, the process is CPU-bound and every request it takes waits behind the others:
 * better to turn new deliveries away at once (the CRM delivers them again) than to answer them
 * all after the sender gave up. `maxDelayMs` 0 turns the check off.
 */
export function createLoadMonitor(maxDelayMs: number, sampleMs = 1000): LoadMonitor {
  if (maxDelayMs <= 0) return { delayMs: () => 0, overloaded: () => false, close() {} };
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let delay = 0;
  const timer = setInterval(() => {
    delay = histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0;
    histogram.reset();
  }, sampleMs);
  timer.unref();
  return {
    delayMs: () => delay,
    overloaded: () => delay > maxDelayMs,
    close() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
