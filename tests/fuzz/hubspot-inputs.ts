/**
 * What the HubSpot webhook fuzz tests send: v3-signed requests, event-shaped and hostile bodies,
 * and signature headers of every odd kind, with the oracle saying which refusal each must get.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { CLIENT_SECRET, PUBLIC_URL, signV3 } from '../support/hubspot-app.ts';
import * as arb from './fuzz-arbitraries.ts';
import { NOW } from './fuzz-kit.ts';

export const ROUTE = '/webhooks/hubspot';
/** Mirrors src/webhooks/hubspot-signature.ts: 5 minutes back, 1 minute ahead. */
const MAX_AGE_MS = 5 * 60_000;
const MAX_SKEW_MS = 60_000;
export const SIGNATURE_CODES = [
  'missing_signature',
  'invalid_signature',
  'stale_signature',
  'legacy_signature_refused',
];
export const JSON_TYPE = { 'content-type': 'application/json' };

/** The headers of a delivery HubSpot signs (v3) for `path` at `timestamp`, as it sends them. */
export function signed(
  body: string | Buffer,
  path = ROUTE,
  timestamp = NOW,
): Record<string, string> {
  return {
    ...JSON_TYPE,
    'x-hubspot-signature-v3': signV3(`${PUBLIC_URL}${path}`, body, timestamp),
    'x-hubspot-request-timestamp': String(timestamp),
  };
}

// ---------------------------------------------------------------------------------------------
// Bodies

const numericId = fc.oneof(
  fc.nat(),
  fc.stringMatching(/^\d{1,20}$/),
  fc.constantFrom(0, '0', '00000000000000000000', '99999999999999999999', Number.MAX_SAFE_INTEGER),
);
const idLike = fc.oneof(
  { weight: 3, arbitrary: numericId },
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.double(),
  fc.constantFrom(2 ** 53 + 2, 1e21, -0, '1e3', ' 1', '1 ', '0x10', '١٢٣', '12; drop', ''),
  fc.stringMatching(/^\d{21,30}$/),
  arb.wrongType,
);
const subscriptionType = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'contact.creation',
      'contact.propertyChange',
      'contact.merge',
      'contact.restore',
      'contact.deletion',
      'contact.associationChange',
      'object.creation',
      'object.propertyChange',
      'object.restore',
      'object.deletion',
      'deal.creation',
      'contact',
      '.',
      '',
    ),
  },
  fc.string({ maxLength: 120 }),
  arb.loneSurrogateString,
  arb.wrongType,
);
const objectTypeId = fc.oneof(
  fc.constantFrom('0-1', '0-27', '0-48', '0-49', '0-3', '2-123', '', '0-1 '),
  fc.string({ maxLength: 25 }),
  arb.wrongType,
);
const propertyName = fc.oneof(
  fc.constantFrom('hs_lead_status', 'hubspot_owner_id', 'hs_task_status', 'favorite_color', ''),
  fc.string({ maxLength: 600 }),
  arb.loneSurrogateString,
  arb.wrongType,
);

/** Event-shaped objects: every field optional, of the right or the wrong type. */
const eventLike = fc.record(
  {
    subscriptionType,
    eventType: subscriptionType,
    objectId: idLike,
    objectTypeId,
    propertyName,
    propertyValue: fc.oneof(fc.string(), arb.loneSurrogateString, arb.wrongType),
    eventId: fc.oneof(fc.nat(), fc.string({ maxLength: 120 }), arb.wrongType),
    attemptNumber: fc.oneof(
      fc.nat(10),
      fc.integer({ min: -5, max: -1 }),
      fc.double(),
      arb.wrongType,
    ),
    occurredAt: fc.oneof(fc.nat(), fc.double(), arb.wrongType),
    portalId: fc.oneof(fc.nat(), arb.wrongType),
    primaryObjectId: idLike,
    newObjectId: idLike,
    mergedObjectIds: fc.oneof(fc.array(idLike, { maxLength: 5 }), arb.wrongType),
    changeSource: fc.string(),
  },
  { requiredKeys: [] },
);

/** An event the schema accepts: routed to contact reads, activity reads or ignored. */
const validEvent = fc.record(
  {
    subscriptionType: fc.constantFrom(
      'contact.creation',
      'contact.propertyChange',
      'contact.merge',
      'contact.restore',
      'contact.deletion',
      'object.creation',
      'object.propertyChange',
      'object.restore',
      'deal.creation',
    ),
    objectId: numericId,
    objectTypeId: fc.constantFrom('0-1', '0-27', '0-48', '0-49', '0-3'),
    propertyName: fc.constantFrom('hs_lead_status', 'hs_task_status', 'favorite_color', 'phone'),
    primaryObjectId: numericId,
    newObjectId: numericId,
    mergedObjectIds: fc.array(numericId, { maxLength: 3 }),
    attemptNumber: fc.nat(10),
  },
  { requiredKeys: ['subscriptionType', 'objectId'] },
);

const text = (s: string) => Buffer.from(s, 'utf8');
export const anyBody: fc.Arbitrary<Buffer> = fc
  .oneof(
    fc.json().map(text),
    fc.anything().map((v) => text(arb.asJsonText(v))),
    fc.array(eventLike, { maxLength: 12 }).map((events) => text(JSON.stringify(events))),
    fc
      .array(validEvent, { minLength: 1, maxLength: 12 })
      .map((events) => text(JSON.stringify(events))),
    fc.oneof(eventLike, validEvent).map((event) => text(JSON.stringify(event))),
    fc
      .integer({ min: 995, max: 1010 })
      .map((n) =>
        text(
          JSON.stringify(Array.from({ length: n }, () => ({ subscriptionType: 'x', objectId: 1 }))),
        ),
      ),
    arb.deepJson.map(text),
    fc
      .tuple(validEvent, arb.deepJson)
      .map(([event, deep]) =>
        text(JSON.stringify([{ ...event, mergedObjectIds: '$' }]).replace('"$"', deep)),
      ),
    arb.jsonTokenSoup.map(text),
    fc.string({ unit: 'binary', maxLength: 200 }).map(text),
    // A lone surrogate escaped in JSON (valid UTF-8), or encoded raw (invalid UTF-8).
    arb.loneSurrogateString.map((s) =>
      text(JSON.stringify([{ subscriptionType: s, objectId: 1 }])),
    ),
    arb.loneSurrogateString.map((s) => arb.wtf8(`[{"subscriptionType":"${s}","objectId":1}]`)),
    arb.jsonWithInvalidUtf8,
    arb.anyBytes,
    fc
      .constantFrom(
        '',
        ' ',
        '\uFEFF[]',
        '[]',
        '{}',
        'null',
        '[null]',
        '[[]]',
        '[{}]',
        '[{"__proto__":{"subscriptionType":"contact.creation"},"objectId":1}]',
        '[{"constructor":{"prototype":{"x":1}},"subscriptionType":"contact.creation","objectId":1}]',
        '[{"subscriptionType":"contact.creation","objectId":1}]x',
      )
      .map(text),
  )
  .map(arb.printable);

// ---------------------------------------------------------------------------------------------
// Signature headers

const SIGNED_AT_OTHER = NOW - 12_345;
const uri = `${PUBLIC_URL}${ROUTE}`;
export const DELIVERY = JSON.stringify([
  { subscriptionType: 'contact.creation', objectId: 424242 },
]);
const hex = (bytes: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF'.split('')),
    minLength: bytes * 2,
    maxLength: bytes * 2,
  });

/** v3 signatures: none, garbage, base64-shaped, or genuine but over something else. */
const v3Signature = fc.oneof(
  fc.constant(undefined),
  arb.oddHeaderText,
  fc.base64String({ minLength: 44, maxLength: 44 }),
  fc.base64String({ maxLength: 100 }),
  fc.constantFrom(
    signV3(uri, DELIVERY, SIGNED_AT_OTHER),
    signV3(uri, DELIVERY, NOW, 'another-secret'),
    signV3(uri, `${DELIVERY} `, NOW),
    signV3(`${PUBLIC_URL}/webhooks/salesforce`, DELIVERY, NOW),
    signV3(uri.replace('https', 'http'), DELIVERY, NOW),
    signV3(uri, DELIVERY, NOW).replace('=', ''),
    `${signV3(uri, DELIVERY, NOW)}=`,
    signV3(uri, DELIVERY, NOW).toLowerCase(),
  ),
);
/** Timestamps: none, empty, non-numeric, huge, negative, stale, far future, fresh. */
const timestamp = fc.oneof(
  fc.constant(undefined),
  arb.oddHeaderText,
  fc.bigInt({ min: 10n ** 15n, max: 10n ** 40n }).map(String),
  fc.integer({ min: -1e15, max: -1 }).map(String),
  fc.integer({ min: NOW + MAX_SKEW_MS + 1, max: 999_999_999_999_999 }).map(String),
  fc.integer({ min: 0, max: NOW - MAX_AGE_MS - 1 }).map(String),
  fc.integer({ min: NOW - MAX_AGE_MS, max: NOW + MAX_SKEW_MS }).map(String),
  fc.double().map(String),
  fc.constantFrom(
    `${NOW}.0`,
    `+${NOW}`,
    `${NOW}e0`,
    `0x${NOW.toString(16)}`,
    `${NOW / 1000}`,
    new Date(NOW).toISOString(),
    new Date(NOW).toUTCString(),
    `${NOW},${NOW}`,
    String(Number.MAX_SAFE_INTEGER),
    '1e15',
    '0',
  ),
);
const legacySignature = fc.oneof(
  fc.constant(undefined),
  arb.oddHeaderText,
  hex(32),
  fc.constantFrom(
    createHash('sha256').update(`another-secret${DELIVERY}`).digest('hex'),
    createHash('sha256').update(`${CLIENT_SECRET}${DELIVERY} `).digest('hex'),
    createHash('sha256').update(`${CLIENT_SECRET}GET${uri}${DELIVERY}`).digest('hex'),
  ),
);
const legacyVersion = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('v1', 'v2', 'V1', 'V2', 'v3', 'v0', '', '1', 'v1, v2'),
  arb.oddHeaderText,
);
/** A header once, or duplicated (Node joins duplicates of these headers with ", "). */
function maybeTwice(value: fc.Arbitrary<string | undefined>) {
  return fc.oneof(
    { weight: 4, arbitrary: value },
    fc.tuple(value, value).map(([a, b]) => (a === undefined || b === undefined ? a : [a, b])),
  );
}
export const signatureHeaders = fc.record({
  v3: maybeTwice(v3Signature),
  timestamp: maybeTwice(timestamp),
  legacy: maybeTwice(legacySignature),
  version: maybeTwice(legacyVersion),
});

/** What the server receives: duplicates joined with ", ", surrounding whitespace trimmed. */
function received(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const values = typeof value === 'string' ? [value] : value;
  return values.map((v) => v.replace(/^[ \t]+|[ \t]+$/g, '')).join(', ');
}

/** The code the signature check must give, computed from the headers as received. */
export function expectedSignatureCode(h: {
  v3: string | readonly string[] | undefined;
  timestamp: string | readonly string[] | undefined;
  legacy: string | readonly string[] | undefined;
}): string {
  const v3 = received(h.v3);
  // v1/v2 signatures are refused whole while HUBSPOT_LEGACY_SIGNATURES is off (the default).
  if (v3 === undefined)
    return received(h.legacy) === undefined ? 'missing_signature' : 'legacy_signature_refused';
  const ts = received(h.timestamp);
  if (ts === undefined || !/^\d{1,15}$/.test(ts)) return 'invalid_signature';
  const sentAt = Number(ts);
  if (NOW - sentAt > MAX_AGE_MS || sentAt - NOW > MAX_SKEW_MS) return 'stale_signature';
  return 'invalid_signature';
}
