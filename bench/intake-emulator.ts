/**
 * The intake benchmark's HubSpot emulator, run in a worker thread so that its work and its
 * garbage collection do not stall the load generator's clock, and the pool of fresh contacts
 * seeded in it. The main thread talks to the worker with numbered messages.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type HubSpotEmulator, startHubSpotEmulator } from '../tests/emulators/hubspot-emulator.ts';

type Op =
  | { readonly op: 'seed'; readonly count: number }
  | { readonly op: 'latency'; readonly ms: number }
  | { readonly op: 'count' }
  | { readonly op: 'stats'; readonly from: number };

export interface CrmStats {
  readonly total: number;
  /** Requests per `METHOD /path`. */
  readonly byPath: Record<string, number>;
  /** Answers other than 2xx (a 207 or 200 listing "no associations" is a normal answer). */
  readonly failed: number;
}

const PHONES = ['+1 212 555 0100', '+1 415 555 0100', '+44 20 7946 0000', '+49 30 9018 2000'];

function answer(hubspot: HubSpotEmulator, traffic: { latencyMs: number }, message: Op) {
  switch (message.op) {
    case 'seed': {
      let first = 0;
      for (let i = 0; i < message.count; i++) {
        const id = hubspot.createContact({
          firstname: 'Bench',
          lastname: `Lead ${i}`,
          company: 'Acme',
          phone: PHONES[i % PHONES.length] ?? '',
          hubspot_owner_id: '101',
        });
        // Ids are consecutive: nothing else inserts while this loop runs.
        if (i === 0) first = Number(id);
        else if (Number(id) !== first + i) throw new Error('emulator ids are not consecutive');
      }
      return first;
    }
    case 'latency':
      traffic.latencyMs = message.ms;
      return message.ms;
    case 'count':
      return hubspot.requests.length;
    case 'stats': {
      const byPath: Record<string, number> = {};
      let failed = 0;
      for (const r of hubspot.requests.slice(message.from)) {
        const key = `${r.method} ${r.path}`;
        byPath[key] = (byPath[key] ?? 0) + 1;
        if (r.status < 200 || r.status > 299) failed++;
      }
      return { total: hubspot.requests.length, byPath, failed } satisfies CrmStats;
    }
  }
}

async function serveEmulator(latencyMs: number) {
  const port = parentPort;
  if (!port) return;
  const traffic = { latencyMs };
  const hubspot = await startHubSpotEmulator({ traffic });
  port.on('message', ({ id, message }: { id: number; message: Op }) => {
    port.postMessage({ id, result: answer(hubspot, traffic, message) });
  });
  port.postMessage({ id: 0, result: { url: hubspot.url, token: hubspot.token } });
}

/** Starts the emulator in a worker thread, answering every request `latencyMs` late. */
export async function startEmulator(latencyMs: number) {
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { intakeEmulator: { latencyMs } },
    resourceLimits: { maxOldGenerationSizeMb: 8192 },
  });
  const waiting = new Map<number, (result: unknown) => void>();
  let next = 1;
  const ready = new Promise<{ url: string; token: string }>((resolve, reject) => {
    waiting.set(0, resolve as (result: unknown) => void);
    worker.once('error', reject);
  });
  worker.on('message', ({ id, result }: { id: number; result: unknown }) => {
    waiting.get(id)?.(result);
    waiting.delete(id);
  });
  const { url, token } = await ready;
  return {
    url,
    token,
    call<T>(message: Op): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve) => {
        waiting.set(id, resolve as (result: unknown) => void);
        worker.postMessage({ id, message });
      });
    },
    close: () => worker.terminate(),
  };
}
export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/**
 * Contacts that exist and have no task yet, seeded ahead of use (`topUp`). A phase that runs
 * low tops the pool up by `refill` in the background, and counts it.
 */
export function contactPool(emulator: Emulator, refill: number) {
  const ranges: { next: number; end: number }[] = [];
  let size = 0;
  let refilling = false;
  const counts = { refills: 0, missing: 0 };
  async function topUp(target: number) {
    while (size < target) {
      const count = Math.min(target - size, 50_000);
      const first = await emulator.call<number>({ op: 'seed', count });
      ranges.push({ next: first, end: first + count });
      size += count;
    }
  }
  function take(n: number): number[] {
    if (size - n < refill && !refilling) {
      refilling = true;
      counts.refills++;
      void topUp(size + refill).finally(() => {
        refilling = false;
      });
    }
    const ids: number[] = [];
    while (ids.length < n) {
      const range = ranges[0];
      if (!range) {
        counts.missing += n - ids.length;
        break;
      }
      ids.push(range.next++);
      if (range.next === range.end) ranges.shift();
    }
    size -= ids.length;
    return ids;
  }
  return { take, topUp, counts };
}
export type ContactPool = ReturnType<typeof contactPool>;

const started = (workerData as { intakeEmulator?: { latencyMs: number } } | null)?.intakeEmulator;
if (!isMainThread && started) await serveEmulator(started.latencyMs);
