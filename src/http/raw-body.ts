import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

/**
 * Webhook routes verify signatures and tokens over the bytes the sender sent, so in their
 * plugin scope every body stays a raw Buffer until the route has checked it.
 */
export function keepBodiesRaw(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES },
    (_request, body, done) => done(null, body),
  );
}

/** A webhook delivery larger than this is refused with 413 before it is parsed. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The request's media type, lower-cased, without parameters: routes compare it exactly, so that
 * `application/json; a=text/xml` is JSON and `text/xmlx` is nothing.
 */
export function mediaTypeOf(request: FastifyRequest): string {
  const header = request.headers['content-type'] ?? '';
  const semicolon = header.indexOf(';');
  return (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or 400 `invalid_encoding` when it is not UTF-8. */
export function decodeUtf8(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new HttpError(400, 'invalid_encoding', 'The body is not valid UTF-8');
  }
}

/** The body as JSON, or 400 `invalid_encoding` / `invalid_json`. */
export function parseJsonBody(raw: Buffer): unknown {
  const text = decodeUtf8(raw);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(
      400,
      'invalid_json',
      `The body is not valid JSON: ${(error as Error).message}`,
    );
  }
}
