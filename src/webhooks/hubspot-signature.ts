import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HubSpot refuses to let a v3 signature be replayed after five minutes; so do we. */
const MAX_SIGNATURE_AGE_MS = 5 * 60_000;
/** A timestamp this far ahead of our clock is still accepted, for clock skew. */
const MAX_CLOCK_SKEW_MS = 60_000;

export interface SignedRequest {
  readonly method: string;
  /** The full URI HubSpot called: the public base URL plus the path and query received. */
  readonly uri: string;
  /** The body exactly as received. */
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type SignatureFailure = 'missing_signature' | 'invalid_signature' | 'stale_signature';

export type SignatureCheck =
  | { readonly ok: true; readonly version: 'v1' | 'v2' | 'v3' }
  | { readonly ok: false; readonly code: SignatureFailure; readonly reason: string };

// HubSpot signs the URI with these escapes decoded, so the check must decode them too.
const DECODED_IN_URI: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

const SIGNED_ESCAPES = new RegExp(Object.keys(DECODED_IN_URI).join('|'), 'gi');

export function uriAsSigned(uri: string): string {
  return uri.replace(SIGNED_ESCAPES, (encoded) => DECODED_IN_URI[encoded.toUpperCase()] ?? encoded);
}

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time comparison of two digests; a length mismatch is a plain mismatch. */
function sameDigest(expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}

function decodeBase64Digest(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function decodeHexDigest(text: string): Buffer | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

const invalid = (reason: string): SignatureCheck => ({
  ok: false,
  code: 'invalid_signature',
  reason,
});

function checkV3(request: SignedRequest, secret: string, signature: string, now: number) {
  const timestamp = header(request.headers, 'x-hubspot-request-timestamp');
  if (timestamp === undefined) {
    return invalid('X-HubSpot-Signature-v3 without X-HubSpot-Request-Timestamp');
  }
  if (!/^\d{1,15}$/.test(timestamp)) return invalid('X-HubSpot-Request-Timestamp is not a number');
  const sentAt = Number(timestamp);
  if (now - sentAt > MAX_SIGNATURE_AGE_MS || sentAt - now > MAX_CLOCK_SKEW_MS) {
    return {
      ok: false,
      code: 'stale_signature',
      reason: `request timestamp is ${Math.round((now - sentAt) / 1000)} s from now`,
    } as const;
  }
  const received = decodeBase64Digest(signature);
  if (!received) return invalid('X-HubSpot-Signature-v3 is not a base64 SHA-256 digest');
  const expected = createHmac('sha256', secret)
    .update(request.method)
    .update(uriAsSigned(request.uri))
    .update(request.body)
    .update(timestamp)
    .digest();
  return sameDigest(expected, received)
    ? ({ ok: true, version: 'v3' } as const)
    : invalid('X-HubSpot-Signature-v3 does not match');
}

function checkLegacy(request: SignedRequest, secret: string, signature: string): SignatureCheck {
  const version = (header(request.headers, 'x-hubspot-signature-version') ?? 'v1').toLowerCase();
  if (version !== 'v1' && version !== 'v2') {
    return invalid(`unknown X-HubSpot-Signature-Version "${version.slice(0, 10)}"`);
  }
  const received = decodeHexDigest(signature);
  if (!received) return invalid('X-HubSpot-Signature is not a hex SHA-256 digest');
  const hash = createHash('sha256').update(secret);
  if (version === 'v2') hash.update(request.method).update(request.uri);
  const expected = hash.update(request.body).digest();
  return sameDigest(expected, received)
    ? { ok: true, version }
    : invalid(`X-HubSpot-Signature (${version}) does not match`);
}

/**
 * Checks that a webhook request comes from the HubSpot app owning `secret`. The v3 signature is
 * preferred; the older v1/v2 signature is checked only when a request carries no v3 header.
 */
export function verifyHubSpotSignature(
  request: SignedRequest,
  secret: string,
  now: number,
): SignatureCheck {
  const v3 = header(request.headers, 'x-hubspot-signature-v3');
  if (v3 !== undefined) return checkV3(request, secret, v3, now);
  const legacy = header(request.headers, 'x-hubspot-signature');
  if (legacy !== undefined) return checkLegacy(request, secret, legacy);
  return { ok: false, code: 'missing_signature', reason: 'no X-HubSpot-Signature header' };
}
