/** The HTTP plumbing both CRM emulators share: bodies, JSON answers, queued faults, listening. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonBytes } from '../../connectors/json-bytes.ts';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' }),
    ...headers,
  });
  // The bytes of JSON.stringify(body), written part by part: the benchmarks' emulator shares
  // the machine with the service, and a 100-task answer as one string cost it milliseconds
  // (see connectors/json-bytes.ts).
  res.end(body === undefined ? undefined : jsonBytes(body, { asciiOnly: false }));
}

export interface FaultOptions {
  readonly times?: number;
  /** A substring of the request path the fault applies to; any path when unset. */
  readonly path?: string;
}

/** A small seeded generator (mulberry32): the same seed gives the same fault sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Faults the next matching requests meet, in the order they were queued; and, once `randomly`
 * is called, a fault picked at random for a share of all other requests.
 */
export function createFaultQueue<F>() {
  const queue: { fault: F; times: number; path?: string }[] = [];
  let random: { rate: number; choices: readonly F[]; next: () => number } | undefined;
  return {
    push(fault: F, { times = 1, path }: FaultOptions = {}): void {
      queue.push({ fault, times, ...(path === undefined ? {} : { path }) });
    },
    /** Each later request meets one of `choices` with probability `rate`. */
    randomly(rate: number, choices: readonly F[], seed: number): void {
      random = { rate, choices, next: seededRandom(seed) };
    },
    take(path: string): F | undefined {
      const index = queue.findIndex((f) => f.path === undefined || path.includes(f.path));
      const entry = queue[index];
      if (!entry) {
        if (!random || random.next() >= random.rate) return undefined;
        return random.choices[Math.floor(random.next() * random.choices.length)];
      }
      entry.times -= 1;
      if (entry.times <= 0) queue.splice(index, 1);
      return entry.fault;
    },
    clear(): void {
      queue.length = 0;
      random = undefined;
    },
  };
}

/** Listens on a free local port; returns the base URL and a close function. */
export async function listenLocally(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

export interface TrafficOptions {
  /** Requests allowed per window; beyond it the emulator answers as the CRM's limiter does. */
  readonly limit?: number;
  /** @default 10_000 */
  readonly windowMs?: number;
  /**
   * Milliseconds every request waits before it is answered, as the round trip to a distant
   * CRM would. Read on every request, so a benchmark may change it between phases.
   * @default 0
   */
  readonly latencyMs?: number;
  /**
   * The account's daily allocation; every request counts against it, refused ones included,
   * as the CRMs count them. @default 1_000_000
   */
  readonly dailyLimit?: number;
}

/**
 * Counts requests over a sliding window, as a CRM's burst limiter does: `peak` is the most
 * requests any window saw, so a test can prove a client never went over.
 */
export function createTraffic(options: TrafficOptions = {}) {
  const windowMs = options.windowMs ?? 10_000;
  const arrivals: number[] = [];
  let peak = 0;
  return {
    /** Records a request arriving now; false when it is over the limit. */
    arrive(): boolean {
      const at = performance.now();
      while (arrivals.length > 0 && (arrivals[0] ?? 0) <= at - windowMs) arrivals.shift();
      arrivals.push(at);
      this.dailyUsed++;
      peak = Math.max(peak, arrivals.length);
      return options.limit === undefined || arrivals.length <= options.limit;
    },
    /** Requests in the current window, this one included. */
    get inWindow() {
      return arrivals.length;
    },
    windowMs,
    /** Requests counted today: a test may set it, as the customer's other integrations would. */
    dailyUsed: 0,
    dailyLimit: options.dailyLimit ?? 1_000_000,
    /** Over the day's allocation: the CRM refuses every request until the counter goes down. */
    get dailySpent() {
      return this.dailyUsed > this.dailyLimit;
    },
    get peak() {
      return peak;
    },
    get latencyMs() {
      return options.latencyMs ?? 0;
    },
  };
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Faults of the connection rather than of the API, which both emulators carry out alike. */
export type TransportFault =
  | { readonly kind: 'reset' }
  /** The answer comes this much later (past a webhook's deadline, say). */
  | { readonly kind: 'slow'; readonly ms: number }
  /** The request is carried out, then the connection drops: written, but the client can't know. */
  | { readonly kind: 'lost_response' };

/**
 * Takes a request in as a CRM's front door would: reads its body, counts it against the window,
 * takes its fault, waits the fixed latency, and carries out a reset (returns undefined) or a
 * delay. `drop` records the request as unanswered and destroys the connection.
 */
export async function receive<F extends { readonly kind: string }>(
  req: IncomingMessage,
  path: string,
  faults: { take(path: string): F | undefined },
  traffic: { arrive(): boolean; readonly latencyMs?: number },
  drop: () => void,
): Promise<{ raw: string; fault: F | undefined; withinLimit: boolean } | undefined> {
  const raw = await readBody(req);
  const withinLimit = traffic.arrive();
  const fault = faults.take(path);
  if (traffic.latencyMs) await delay(traffic.latencyMs);
  if (fault?.kind === 'reset') {
    drop();
    return undefined;
  }
  const slow = fault as TransportFault | undefined;
  if (slow?.kind === 'slow') await delay(slow.ms);
  return { raw, fault, withinLimit };
}
