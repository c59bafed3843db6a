/**
 * The /healthz prober of the hostile-intake bench, in a worker thread of its own so that the
 * bench's clients, busy sending megabytes, do not delay its measurements. It asks every
 * `intervalMs` (never more than one request in flight) until told to stop, then posts the
 * latencies in milliseconds; a probe that gets no answer within 5 s counts as 5,000 ms.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';

const { url, intervalMs } = workerData as { url: string; intervalMs: number };
const latencies: number[] = [];
let failures = 0;
let running = true;
parentPort?.on('message', () => {
  running = false;
});

while (running) {
  const start = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    if (response.status !== 200) failures++;
  } catch {
    failures++;
  }
  const elapsed = performance.now() - start;
  latencies.push(Math.min(elapsed, 5000));
  await sleep(Math.max(0, intervalMs - elapsed));
}
parentPort?.postMessage({ latencies, failures });
