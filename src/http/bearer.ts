import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

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
