import { randomUUID } from 'node:crypto';
import {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Metrics } from '../observability/metrics.ts';

/** Events of a delivery per type: acted on, or ignored. */
export type EventCounts = Map<string, { acted: number; ignored: number }>;

/** Counts events by type; `ignored` lists the types of the events the service will not act on. */
export function countEvents(types: readonly string[], ignored: readonly string[]): EventCounts {
  const counts: EventCounts = new Map();
  const entry = (type: string) => {
    const found = counts.get(type) ?? { acted: 0, ignored: 0 };
    counts.set(type, found);
    return found;
  };
  for (const type of types) entry(type).acted++;
  for (const type of ignored) {
    const found = entry(type);
    found.acted = Math.max(0, found.acted - 1);
    found.ignored++;
  }
  return counts;
}

interface Noted {
  fields: Record<string, unknown>;
  delivery?: { readonly source: 'hubspot' | 'salesforce'; readonly events: EventCounts };
}

const notes = new WeakMap<FastifyRequest, Noted>();

function notedOf(request: FastifyRequest): Noted {
  const found = notes.get(request) ?? { fields: {} };
  notes.set(request, found);
  return found;
}

/** Adds fields to the one line logged when the request is answered. */
export function note(request: FastifyRequest, fields: object): void {
  const noted = notedOf(request);
  noted.fields = { ...noted.fields, ...fields };
}

/** Marks the request as a webhook delivery, for its metrics and its log line. */
export function noteDelivery(
  request: FastifyRequest,
  source: 'hubspot' | 'salesforce',
  events: EventCounts,
): void {
  notedOf(request).delivery = { source, events };
}

/**
 * Counts every request to the plugin's routes as a delivery from `source`, refused ones
 * included (a bad signature, a body too large), until the route names its events.
 */
export function countAsDeliveries(app: FastifyInstance, source: 'hubspot' | 'salesforce'): void {
  app.addHook('onRequest', async (request) => noteDelivery(request, source, new Map()));
}

/** A request id a client may choose: short, and nothing a log reader could mistake for data. */
const PLAIN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request's id: the sender's `X-Request-Id` when it is a short plain id (a load balancer's
 * trace id, say), else a fresh UUID. It is echoed back and is the `reqId` of every log line.
 */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && PLAIN_ID.test(header) ? header : randomUUID();
}

/** Probes and scrapes every few seconds: their lines are for debugging only. */
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One log line per request, written when it is answered (Fastify's own two lines are off):
 * method, path, status, duration, and what the route noted (a delivery's events, lead ids and
 * totals; an error's code and cause). Webhook deliveries are counted in the metrics here, whatever
 * their result. Fastify calls this for every answer, refusals of unroutable URLs included.
 */
export class RequestLog extends LogController {
  readonly #metrics: Pick<Metrics, 'delivery'>;

  constructor(metrics: Pick<Metrics, 'delivery'>) {
    super();
    this.#metrics = metrics;
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    logAnswered(request, reply, error, this.#metrics);
  }
}

/** Writes the request's one line (and counts it, when it is a delivery). */
export function logAnswered(
  request: FastifyRequest,
  reply: FastifyReply,
  error?: Error | null,
  metrics?: Pick<Metrics, 'delivery'>,
): void {
  const noted = notes.get(request);
  const status = reply.statusCode;
  const code = noted?.fields.code;
  const line = {
    method: request.method,
    url: request.url,
    status,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    ...noted?.fields,
    ...(error ? { err: error } : {}),
  };
  const delivery = noted?.delivery;
  if (delivery && metrics) {
    const result = status < 400 ? 'ok' : typeof code === 'string' ? code : String(status);
    metrics.delivery({ ...delivery, result, seconds: reply.elapsedTime / 1000 });
  }
  const level = QUIET.has(request.url)
    ? 'debug'
    : status >= 500
      ? 'error'
      : status === 429
        ? 'warn'
        : 'info';
  request.log[level](
    delivery ? { source: delivery.source, ...line } : line,
    delivery ? 'webhook delivery' : 'request completed',
  );
}
