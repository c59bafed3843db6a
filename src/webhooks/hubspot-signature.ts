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

export type SignatureFailure =
  | 'missing_signature'
  | 'invalid_signature'
  | 'stale_signature'
  | 'legacy_signature_refused';

export type SignatureCheck =
  | {
      readonly ok: true;
      readonly version: 'v1' | 'v2' | 'v3';
      /**
       * v3: what makes the request one of a kind (its signature) and the moment after which the
       * signature is refused as stale, for `replayGuard`. v1/v2 carry no timestamp.
       */
      readonly once?: { readonly key: string; readonly until: number };
    }
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

const invalid = (reason: string): SignatureFailed => ({
  ok: false,
  code: 'invalid_signature',
  reason,
});

type SignatureFailed = Extract<SignatureCheck, { ok: false }>;

/** What the headers say before the body is read: the signature to check, or why none can pass. */
export type SignatureHeaders =
  | {
      readonly ok: true;
      readonly version: 'v1' | 'v2' | 'v3';
      readonly digest: Buffer;
      readonly timestamp: string;
    }
  | SignatureFailed;

export interface SignatureOptions {
  /**
   * Accept v1/v2 signatures from requests without a v3 one. They carry no timestamp, so a
   * captured delivery can be replayed forever. @default false
   */
  readonly legacy?: boolean;
}

function v3Headers(headers: SignedRequest['headers'], signature: string, now: number) {
  const timestamp = header(headers, 'x-hubspot-request-timestamp');
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
  const digest = decodeBase64Digest(signature);
  if (!digest) return invalid('X-HubSpot-Signature-v3 is not a base64 SHA-256 digest');
  return { ok: true, version: 'v3', digest, timestamp } as const;
}

function legacyHeaders(headers: SignedRequest['headers'], signature: string): SignatureHeaders {
  const version = (header(headers, 'x-hubspot-signature-version') ?? 'v1').toLowerCase();
  if (version !== 'v1' && version !== 'v2') {
    return invalid(`unknown X-HubSpot-Signature-Version "${version.slice(0, 10)}"`);
  }
  const digest = decodeHexDigest(signature);
  if (!digest) return invalid('X-HubSpot-Signature is not a hex SHA-256 digest');
  return { ok: true, version, digest, timestamp: '' };
}

/**
 * Reads the signature headers: cheap, and done before the body is read, so that a request that
 * cannot pass costs no more than its headers. The v3 signature is preferred; the older v1/v2
 * one is read only when a request carries no v3 header, and only with `legacy` on.
 */
export function signatureHeaders(
  headers: SignedRequest['headers'],
  now: number,
  { legacy = false }: SignatureOptions = {},
): SignatureHeaders {
  const v3 = header(headers, 'x-hubspot-signature-v3');
  if (v3 !== undefined) return v3Headers(headers, v3, now);
  const old = header(headers, 'x-hubspot-signature');
  if (old === undefined) {
    return { ok: false, code: 'missing_signature', reason: 'no X-HubSpot-Signature header' };
  }
  if (!legacy) {
    return {
      ok: false,
      code: 'legacy_signature_refused',
      reason:
        'v1/v2 signatures carry no timestamp and can be replayed; sign with v3 (or set HUBSPOT_LEGACY_SIGNATURES=true)',
    };
  }
  return legacyHeaders(headers, old);
}

/** Checks that a webhook request comes from the HubSpot app owning `secret`. */
export function verifyHubSpotSignature(
  request: SignedRequest,
  secret: string,
  now: number,
  options: SignatureOptions = {},
): SignatureCheck {
  const found = signatureHeaders(request.headers, now, options);
  if (!found.ok) return found;
  const { version, digest, timestamp } = found;
  const expected =
    version === 'v3'
      ? createHmac('sha256', secret)
          .update(request.method)
          .update(uriAsSigned(request.uri))
          .update(request.body)
          .update(timestamp)
          .digest()
      : createHash('sha256')
          .update(secret)
          .update(version === 'v2' ? `${request.method}${request.uri}` : '')
          .update(request.body)
          .digest();
  if (sameDigest(expected, digest)) {
    if (version !== 'v3') return { ok: true, version };
    const until = Number(timestamp) + MAX_SIGNATURE_AGE_MS;
    return { ok: true, version, once: { key: digest.toString('base64'), until } };
  }
  return invalid(
    version === 'v3'
      ? 'X-HubSpot-Signature-v3 does not match'
      : `X-HubSpot-Signature (${version}) does not match`,
  );
}
