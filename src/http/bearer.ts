import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

/** Constant-time comparison that does not leak the token's length either. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The credentials of `Authorization: <scheme> <credentials>`. The scheme is case-insensitive and
 * followed by one or more spaces (RFC 9110 §11.4, formerly RFC 7235 §2.1).
 */
function credentials(request: FastifyRequest, scheme: 'Bearer' | 'Basic'): string | undefined {
  const header = request.headers.authorization ?? '';
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== scheme.toLowerCase()) return;
  const value = header.slice(space).replace(/^ +/, '');
  return value === '' ? undefined : value;
}

/** True when the request carries `Authorization: Bearer <expected>`; never with no token set. */
export function hasBearer(request: FastifyRequest, expected: string | undefined): boolean {
  const token = credentials(request, 'Bearer');
  return expected !== undefined && token !== undefined && sameToken(token, expected);
}

/**
 * True when the request carries `Authorization: Basic` with `expected` as the password (any user
 * name): what a browser sends after its login prompt. Never with no token set.
 */
export function hasBasicPassword(request: FastifyRequest, expected: string | undefined): boolean {
  const encoded = credentials(request, 'Basic');
  if (encoded === undefined || expected === undefined || !/^[A-Za-z0-9+/=]+$/.test(encoded))
    return false;
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

/**
 * 401 `invalid_token` unless the URL's query string carries `token=<expected>` once (what a
 * sender that cannot add headers, a Salesforce outbound message, authenticates with).
 */
export function requireQueryToken(
  request: FastifyRequest,
  expected: string | undefined,
  name: string,
): void {
  const given = (request.query as Record<string, unknown> | undefined)?.token;
  if (expected === undefined || typeof given !== 'string' || !sameToken(given, expected)) {
    throw new HttpError(401, 'invalid_token', `The endpoint URL must end with ?token=<${name}>`);
  }
}
