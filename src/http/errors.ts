import type { Socket } from 'node:net';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { z } from 'zod';
import { CrmError } from '../../connectors/crm-connector.port.ts';
import { echoed } from './mask.ts';
import { logAnswered, note } from './request-log.ts';

export interface ErrorIssue {
  readonly path: string;
  readonly message: string;
}

/** An expected failure with a stable `code` that clients can rely on. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly issues: readonly ErrorIssue[] | undefined;
  /** Sent as `Retry-After` (429, 503): when the sender should try again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    issues?: readonly ErrorIssue[],
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.issues = issues;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Parses untrusted input or throws a 400 `validation_failed` naming each bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  throw new HttpError(400, 'validation_failed', `Invalid ${what}`, issues);
}

// Fastify's own codes for malformed requests, mapped to ours.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_BAD_URL: 'bad_url',
};

/** What to answer for a failure, whatever the wire format (JSON here, SOAP for Salesforce). */
export interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly ErrorIssue[] | undefined;
  /** Set when the sender should deliver again (429, 503). */
  readonly retryAfterSeconds?: number | undefined;
}

/**
 * Maps any failure to its answer, and notes its code and cause on the request for the one line
 * logged when it is answered (see `request-log.ts`): expected refusals at info, CRM failures and
 * bugs at error with their stack. A CRM rate limit is passed on as `rateLimitStatus` (429 by
 * default; SOAP senders get 503), other retryable CRM failures as 503: both make the sender try
 * again.
 */
export function answerFor(
  error: unknown,
  request: FastifyRequest,
  { rateLimitStatus = 429 } = {},
): ErrorAnswer {
  if (error instanceof HttpError) {
    note(request, { code: error.code, reason: error.message, issues: error.issues });
    const { statusCode: status, code, message, issues, retryAfterSeconds } = error;
    return { status, code, message, issues, retryAfterSeconds };
  }
  if (error instanceof CrmError) {
    note(request, { code: error.code, err: error });
    const status =
      error.code === 'crm_rate_limited' ? rateLimitStatus : error.retryable ? 503 : 502;
    return {
      status,
      code: error.code,
      message: `The CRM call failed: ${error.message}`,
      retryAfterSeconds: error.retryable ? (error.retryAfterSeconds ?? 10) : undefined,
    };
  }
  const { statusCode = 500, code = '', message = '' } = error as Partial<FastifyError>;
  if (statusCode >= 400 && statusCode < 500) {
    // Fastify refused the request before the route ran (size, media type, encoding, URL).
    const ours = FASTIFY_CODES[code] ?? 'bad_request';
    note(request, { code: ours, reason: message });
    return { status: statusCode, code: ours, message };
  }
  note(request, { code: 'internal_error', err: error });
  return { status: 500, code: 'internal_error', message: 'Internal error; see the service logs' };
}

/** Issues echoed per answer: a 1,000-event delivery with 1,000 bad events gets the first few. */
const ECHOED_ISSUES = 20;

/**
 * Our JSON error body. Messages quote input (a tag name, a URL) and the CRM's own words, so
 * what is echoed is masked and capped here, once for every answer.
 */
function body(code: string, message: string, issues?: readonly ErrorIssue[]) {
  const shown = issues?.slice(0, ECHOED_ISSUES).map((issue) => ({
    path: echoed(issue.path),
    message: echoed(issue.message),
  }));
  return {
    error: {
      code,
      message: echoed(message),
      ...(shown ? { issues: shown } : {}),
    },
  };
}

/** Sends an answer: `payload` is our JSON error body unless the wire format has its own. */
export function sendAnswer(
  reply: FastifyReply,
  answer: ErrorAnswer,
  payload: unknown = body(answer.code, answer.message, answer.issues),
) {
  if (answer.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(answer.retryAfterSeconds));
  }
  return reply.code(answer.status).send(payload);
}

/**
 * Fastify's own refusals of a URL it cannot route (`%` alone, say), in our error shape. Fastify
 * skips the request's log line for these, so it is written here.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const sent = sendAnswer(reply, answerFor(error, request));
  logAnswered(request, reply);
  return sent;
}

/**
 * Bytes Node's HTTP parser refuses (raw control or non-ASCII characters in the request line, a
 * broken header) never reach Fastify: the answer is written on the socket, in our error shape.
 * So is Node's cut-off of a client too slow to send its headers or its request (408).
 */
export function clientErrors(log: Pick<FastifyBaseLogger, 'info'>) {
  return (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['408 Request Timeout', 'request_timeout', 'The request took too long to arrive']
        : ['400 Bad Request', 'bad_request', 'Malformed HTTP request'];
    const payload = JSON.stringify(body(code, message));
    log.info({ code, reason: error.code ?? error.message }, 'malformed request');
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
    );
  };
}

/** JSON errors everywhere, never a stack trace; 4xx for bad input, 429/503 when the CRM fails. */
export function registerErrorHandling(app: FastifyInstance): void {
  const notFound = (request: FastifyRequest, reply: FastifyReply) => {
    note(request, { code: 'not_found' });
    return reply.code(404).send(body('not_found', `No route ${request.method} ${request.url}`));
  };
  // Answered before the body is read: a 1 MiB JSON body sent to no route is not parsed.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return notFound(request, reply);
  });
  app.setNotFoundHandler(notFound);
  app.setErrorHandler((error, request, reply) => sendAnswer(reply, answerFor(error, request)));
}
