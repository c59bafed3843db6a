import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

/** Constant-time comparison that does not leak the token's length either. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when the request carries `Authorization: Bearer <expected>`; never with no token set. */
export function hasBearer(request: FastifyRequest, expected: string | undefined): boolean {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  return expected !== undefined && token !== undefined && sameToken(token, expected);
}

/**
 * True when the request carries `Authorization: Basic` with `expected` as the password (any user
 * name): what a browser sends after its login prompt. Never with no token set.
 */
export function hasBasicPassword(request: FastifyRequest, expected: string | undefined): boolean {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (encoded === undefined || expected === undefined) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && sameToken(decoded.slice(colon + 1), expected);
}

/** 401 `invalid_token` unless the request carries `Authorization: Bearer <expected>`. */
export function requireBearer(
  request: FastifyRequest,
  expected: string | undefined,
  name: string,
): void {
  if (!hasBearer(request, expected)) {
    throw new HttpError(
      401,
      'invalid_token',
      `A valid Authorization: Bearer <${name}> is required`,
    );
  }
}

/** 404 `admin_disabled` while `ADMIN_TOKEN` is unset: the admin endpoints are off. */
export function requireAdminToken(
  adminToken: string | undefined,
  off: string,
): asserts adminToken is string {
  if (adminToken === undefined) throw new HttpError(404, 'admin_disabled', off);
}
