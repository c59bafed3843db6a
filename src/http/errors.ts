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
};

/** Tells a webhook sender when to deliver again after a retryable failure. */
export function setRetryAfter(reply: FastifyReply, error: CrmError | HttpError): void {
  if (error instanceof HttpError) {
    if (error.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(error.retryAfterSeconds));
    }
  } else if (error.retryable) reply.header('retry-after', String(error.retryAfterSeconds ?? 10));
}

function body(code: string, message: string, issues?: readonly ErrorIssue[]) {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
}

/** Our stable code for a request Fastify refused before any route ran. */
export function requestErrorCode(error: { code?: string }): string {
  return FASTIFY_CODES[error.code ?? ''] ?? 'bad_request';
}

/** Fastify's own refusals of a URL it cannot route (`%` alone, say), in our error shape. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const code = error.code === 'FST_ERR_BAD_URL' ? 'bad_url' : 'bad_request';
  request.log.info({ code, reason: error.message }, 'bad request');
  return reply.code(400).send(body(code, error.message));
}

/**
 * Bytes Node's HTTP parser refuses (raw control or non-ASCII characters in the request line, a
 * broken header) never reach Fastify: the answer is written on the socket, in our error shape.
 */
export function clientErrors(log: Pick<FastifyBaseLogger, 'info'>) {
  return (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const payload = JSON.stringify(body('bad_request', 'Malformed HTTP request'));
    log.info({ code: 'bad_request', reason: error.code ?? error.message }, 'malformed request');
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
    );
  };
}

/** JSON errors everywhere, never a stack trace; 4xx for bad input, 429/503 when the CRM fails. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    request.log.info({ method: request.method, url: request.url }, 'no such route');
    return reply.code(404).send(body('not_found', `No route ${request.method} ${request.url}`));
  });

  app.setErrorHandler((error: FastifyError | HttpError | CrmError, request, reply) => {
    if (error instanceof HttpError) {
      request.log.info({ code: error.code, issues: error.issues }, error.message);
      setRetryAfter(reply, error);
      return reply.code(error.statusCode).send(body(error.code, error.message, error.issues));
    }
    if (error instanceof CrmError) {
      request.log.error({ code: error.code, err: error }, 'CRM call failed');
      // A rate limit is passed on as 429, other retryable failures as 503: both make the CRM's
      // webhook delivery try again later.
      const status = error.code === 'crm_rate_limited' ? 429 : error.retryable ? 503 : 502;
      setRetryAfter(reply, error);
      return reply.code(status).send(body(error.code, `The CRM call failed: ${error.message}`));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = requestErrorCode(error);
      request.log.info({ code, reason: error.message }, 'bad request');
      return reply.code(status).send(body(code, error.message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(body('internal_error', 'Internal error; see the service logs'));
  });
}
