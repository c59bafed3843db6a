import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
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

  constructor(statusCode: number, code: string, message: string, issues?: readonly ErrorIssue[]) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.issues = issues;
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

/** Tells a webhook sender when to deliver again after a retryable CRM failure. */
export function setRetryAfter(reply: FastifyReply, error: CrmError): void {
  if (error.retryable) reply.header('retry-after', String(error.retryAfterSeconds ?? 10));
}

function body(code: string, message: string, issues?: readonly ErrorIssue[]) {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
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
      const code = FASTIFY_CODES[error.code] ?? 'bad_request';
      request.log.info({ code, reason: error.message }, 'bad request');
      return reply.code(status).send(body(code, error.message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(body('internal_error', 'Internal error; see the service logs'));
  });
}
