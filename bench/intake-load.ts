/**
 * The intake benchmark's load: signed HubSpot deliveries, closed-loop and `overallRate` runs
 * with autocannon, a steady open-loop sender, sequential probes, and what each phase cost the
 * receiver (CPU from /proc) and asked of the CRM.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { hubspotPath } from '../connectors/hubspot/hubspot.rest.ts';
import { signV3 } from '../tests/support/hubspot-app.ts';
import { PUBLIC_URL } from './bench-kit.ts';
import type { CrmStats, Emulator } from './intake-emulator.ts';

/** The HubSpot app's client secret the service and the floor check signatures with. */
export const SECRET = 'intake-client-secret';

export interface Target {
  readonly name: 'service' | 'floor';
  readonly port: number;
  readonly pid: number | undefined;
  /** Contact ids for the next delivery. */
  readonly ids: (n: number) => number[];
}

type Latency = Record<'p50' | 'p90' | 'p99' | 'max', number>;

/** What a phase's sender saw. */
export interface Load {
  readonly ok: number;
  readonly failed: number;
  /** Failed requests per status, `timeout` or `error`. */
  readonly failures: Record<string, number>;
  /** Acknowledged requests per second. */
  readonly perSecond: number;
  readonly latency: Latency;
  /** Tasks the service reported created, and closed (for new contacts only twins could be). */
  readonly created: number;
  readonly closed: number;
  /** The steady sender's largest delay past a planned send time. */
  readonly lag?: number;
}

let eventSequence = 0;

/** A HubSpot delivery of `contact.creation` events, signed (v3) as of now. */
function delivery(ids: readonly number[]) {
  const occurredAt = Date.now();
  const body = JSON.stringify(
    ids.map((objectId) => ({
      eventId: ++eventSequence,
      subscriptionId: 2_481_232,
      portalId: 62_515,
      appId: 1_160_452,
      occurredAt,
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId,
      changeFlag: 'CREATED',
      changeSource: 'CRM',
    })),
  );
  const timestamp = Date.now();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
      'x-hubspot-signature-v3': signV3(`${PUBLIC_URL}/webhooks/hubspot`, body, timestamp, SECRET),
      'x-hubspot-request-timestamp': String(timestamp),
    },
  };
}

/** Adds up the tasks the service reports in its answer; the floor reports none. */
function count(tasks: { created: number; closed: number }, body: string): void {
  try {
    const { created, closed } = JSON.parse(body) as { created?: number; closed?: number };
    tasks.created += created ?? 0;
    tasks.closed += closed ?? 0;
  } catch {}
}

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
export const closeSockets = () => agent.destroy();

/** One delivery; resolves with its status (0 on a network error) and body, never rejects. */
function post(target: Target, batch: number): Promise<{ status: number; body: string }> {
  const { body, headers } = delivery(target.ids(batch));
  return new Promise((resolve) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        path: '/webhooks/hubspot',
        method: 'POST',
        agent,
        timeout: 10_000,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({ status: 0, body: error.message }));
    request.end(body);
  });
}

const percentile = (sorted: readonly number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time (user + system) a process has used, in ms, from /proc. */
function cpuMs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

export function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 102.4) / 10;
}

export interface Phase {
  /** The receiver's CPU time over the phase and its drain, in ms. */
  readonly cpuMs: number;
  /** Deliveries the receiver handled, counted at the CRM (each reads its contacts once). */
  readonly handled: number;
  readonly crm: CrmStats;
  /** The phase and its drain, in ms. */
  readonly wallMs: number;
  /** Share of one core the bench process (load generator and emulator) used. */
  readonly benchCpu: number;
}

/** Runs `work` against `target`, then waits until the CRM is quiet; measures both. */
export async function measured<T>(emulator: Emulator, target: Target, work: () => Promise<T>) {
  const from = await emulator.call<number>({ op: 'count' });
  const cpu = cpuMs(target.pid);
  const bench = process.cpuUsage();
  const began = performance.now();
  const result = await work();
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const now = await emulator.call<number>({ op: 'count' });
    if (now === last) break;
    last = now;
    await sleep(300);
  }
  const used = process.cpuUsage(bench);
  const wallMs = performance.now() - began;
  const crm = await emulator.call<CrmStats>({ op: 'stats', from });
  const phase: Phase = {
    cpuMs: cpuMs(target.pid) - cpu,
    handled: crm.byPath[`POST ${hubspotPath.objects('contacts', '/batch/read')}`] ?? 0,
    crm,
    wallMs,
    benchCpu: (used.user + used.system) / 1000 / wallMs,
  };
  return { result, phase };
}

interface Autocannon {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Latency;
}
// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: Record<string, unknown>,
) => Promise<Autocannon>;

/** autocannon against `target`: closed loop, or `overallRate` requests each second. */
export async function cannon(
  target: Target,
  options: { connections: number; seconds: number; batch: number; overallRate?: number },
): Promise<Load> {
  const tasks = { created: 0, closed: 0 };
  const result = await autocannon({
    url: `http://127.0.0.1:${target.port}`,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    // autocannon's correction assumes a 1 ms interval below 1,000 requests/s per connection
    // (Math.ceil(1 / rate)), which would record phantom samples; it stays off.
    ...(options.overallRate
      ? { overallRate: options.overallRate, ignoreCoordinatedOmission: true }
      : {}),
    requests: [
      {
        method: 'POST',
        path: '/webhooks/hubspot',
        setupRequest: (request: object) => ({ ...request, ...delivery(target.ids(options.batch)) }),
        onResponse: (status: number, body: string) => {
          if (status >= 200 && status < 300) count(tasks, body);
        },
      },
    ],
  });
  const failures: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
    if (!status.startsWith('2')) failures[status] = count;
  }
  if (result.timeouts > 0) failures.timeout = result.timeouts;
  if (result.errors > result.timeouts) failures.error = result.errors - result.timeouts;
  return {
    ok: result['2xx'],
    failed: result.non2xx + result.errors,
    failures,
    perSecond: result['2xx'] / result.duration,
    latency: result.latency,
    ...tasks,
  };
}

/**
 * An open-loop sender: request i leaves at start + i / rate whatever the answers do, and its
 * latency counts from that moment (so a stalled sender cannot hide a slow receiver). Requests
 * of the lead-in second are sent but not measured.
 */
export async function steady(
  target: Target,
  options: { rate: number; batch: number; seconds: number },
): Promise<Load> {
  const { rate, batch, seconds } = options;
  const total = Math.round(rate * (1 + seconds));
  const latencies: number[] = [];
  const answers: Promise<void>[] = [];
  const failures: Record<string, number> = {};
  const tasks = { created: 0, closed: 0 };
  let ok = 0;
  let lag = 0;
  const start = performance.now() + 10;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    lag = Math.max(lag, performance.now() - due);
    answers.push(
      post(target, batch).then(({ status, body }) => {
        if (status < 200 || status > 299) {
          const kind = status === 0 ? (body === 'timeout' ? 'timeout' : 'error') : String(status);
          failures[kind] = (failures[kind] ?? 0) + 1;
          return;
        }
        ok++;
        count(tasks, body);
        if (i >= rate) latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(answers);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => percentile(latencies, q);
  return {
    ok,
    failed: total - ok,
    failures,
    perSecond: latencies.length / seconds,
    latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
    ...tasks,
    lag,
  };
}

/**
 * `count` 1-event deliveries one at a time on an idle receiver, the emulator answering
 * `latencyMs` late: the median latency and the CRM requests each delivery made.
 */
export async function probe(emulator: Emulator, target: Target, latencyMs: number, count: number) {
  await emulator.call({ op: 'latency', ms: latencyMs });
  for (let i = 0; i < 3; i++) await post(target, 1);
  const { result, phase } = await measured(emulator, target, async () => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const began = performance.now();
      const { status } = await post(target, 1);
      if (status !== 200) throw new Error(`probe of the ${target.name} answered ${status}`);
      times.push(performance.now() - began);
    }
    return times.sort((a, b) => a - b);
  });
  const perDelivery = Object.fromEntries(
    Object.entries(phase.crm.byPath).map(([path, n]) => [path, n / count]),
  );
  return {
    medianMs: percentile(result, 0.5),
    requests: sumOf(phase.crm.byPath) / count,
    perDelivery,
  };
}
export type Probe = Awaited<ReturnType<typeof probe>>;

const sumOf = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
