/**
 * Inputs of the webhook fuzz tests that are not specific to one CRM: oracles that say how a body
 * must be classified, byte-level tools (WTF-8, invalid UTF-8), and arbitraries for JSON, header
 * values, query strings, paths and request targets.
 */
import fc from 'fast-check';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** How the webhooks must classify a body before looking at its shape. */
export function classifyJson(
  body: Buffer,
): { kind: 'invalid_encoding' } | { kind: 'invalid_json' } | { kind: 'json'; value: unknown } {
  let text: string;
  try {
    text = fatalUtf8.decode(body);
  } catch {
    return { kind: 'invalid_encoding' };
  }
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'invalid_json' };
  }
}

export function isValidUtf8(body: Buffer): boolean {
  try {
    fatalUtf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

/** A short, reproducible description of a body, for failure messages and counterexamples. */
export function describeBytes(bytes: Buffer): string {
  const valid = isValidUtf8(bytes);
  const show = (part: Buffer) =>
    valid ? JSON.stringify(part.toString('utf8')) : `hex ${part.toString('hex')}`;
  if (bytes.length <= 400) return `${valid ? 'utf8' : 'non-UTF-8'} ${show(bytes)}`;
  return `${bytes.length} bytes${valid ? '' : ' (not UTF-8)'}: ${show(bytes.subarray(0, 160))} … ${show(bytes.subarray(-60))}`;
}

/** Makes fast-check print a body as `describeBytes` does instead of byte by byte. */
export function printable(bytes: Buffer): Buffer {
  return Object.assign(bytes, { [fc.toStringMethod]: () => `Body(${describeBytes(bytes)})` });
}

/** WTF-8: UTF-8 that also encodes lone surrogates (ED A0 80 …), which UTF-8 forbids. */
export function wtf8(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff)
      bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else bytes.push(...Buffer.from(char, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** Byte sequences no UTF-8 decoder may accept, wherever they sit between whole characters. */
export const invalidUtf8Sequence = fc.constantFrom(
  [0xff],
  [0xfe],
  [0x80],
  [0xbf, 0xbf],
  [0xc0, 0x80], // overlong NUL
  [0xc1, 0xbf], // overlong
  [0xe0, 0x80, 0xaf], // overlong '/'
  [0xed, 0xa0, 0x80], // a surrogate half
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf5, 0x80, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xc3], // truncated 2-byte
  [0xe2, 0x82], // truncated 3-byte
  [0xf0, 0x9f, 0x98], // truncated 4-byte
);

/** `text` as UTF-8 with an invalid byte sequence spliced in between two characters. */
export function withInvalidUtf8(text: string) {
  const chars = Array.from(text);
  return fc
    .tuple(invalidUtf8Sequence, fc.integer({ min: 0, max: chars.length }))
    .map(([bad, at]) =>
      Buffer.concat([
        wtf8(chars.slice(0, at).join('')),
        Buffer.from(bad),
        wtf8(chars.slice(at).join('')),
      ]),
    );
}

/** JSON text with an invalid UTF-8 sequence spliced in: to be refused as invalid_encoding. */
export const jsonWithInvalidUtf8 = fc.json().chain((json) => withInvalidUtf8(json));

/** Random bytes: rarely UTF-8, let alone JSON or XML. */
export const anyBytes = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes));

/** A string with at least one lone UTF-16 surrogate in it. */
export const loneSurrogateString = fc
  .tuple(
    fc.string({ maxLength: 10 }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.string({ maxLength: 10 }),
  )
  .map(([a, unit, b]) => `${a}${String.fromCharCode(unit)}${b}`);

/** Any JS value as JSON text, or its String() when JSON has no form for it. */
export function asJsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Values of the wrong type for any field. */
export const wrongType = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
);

/** Deeply nested JSON, up to 100,000 levels (at most 500 KB), alone or inside a fine body. */
export const deepJson = fc
  .record({
    depth: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1_000, max: 100_000 })),
    shape: fc.constantFrom('arrays', 'objects', 'unclosed', 'over-closed'),
  })
  .map(({ depth, shape }) => {
    switch (shape) {
      case 'arrays':
        return `${'['.repeat(depth)}${']'.repeat(depth)}`;
      case 'objects':
        return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      case 'unclosed':
        return '['.repeat(depth);
      default:
        return `[${']'.repeat(depth)}`;
    }
  });

/** Text built from JSON's own tokens in any order: mostly malformed JSON, sometimes not. */
export const jsonTokenSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '[',
        ']',
        '{',
        '}',
        '"',
        ':',
        ',',
        'null',
        'true',
        'false',
        '1e999',
        '-0',
        '0x10',
        'NaN',
        'Infinity',
        '\\u',
        '\\ud800',
        '"\\ud800"',
        '\\',
        '\u0000',
        '\uFEFF',
        ' ',
        '\n',
        '/*',
        '*/',
        '"__proto__"',
        '"constructor"',
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 40 },
  )
  .map((tokens) => tokens.join(''));

/** Any byte HTTP allows in a header value (tab, visible ASCII, space, obs-text 0x80-0xFF). */
export const headerChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9))
  .map((c) => String.fromCharCode(c));

/** Header values any sender could produce: Latin-1 bytes, whitespace, commas, huge numbers. */
export const oddHeaderText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: headerChar, maxLength: 40 }),
  fc.constantFrom('', ' ', ',', ', ,', 'null', 'undefined', '[object Object]', '%00', '\t'),
);

/** Headers a sender or a proxy on the way may add, with odd values. */
export const oddExtraHeaders = fc
  .dictionary(
    fc.constantFrom(
      'x-request-id',
      'content-encoding',
      'accept',
      'accept-encoding',
      'accept-charset',
      'x-forwarded-for',
      'x-forwarded-proto',
      'x-forwarded-host',
      'forwarded',
      'cookie',
      'user-agent',
      'x-http-method-override',
      'content-language',
      'range',
      'if-none-match',
      'origin',
      'referer',
      'soapaction',
      'expect',
    ),
    fc.oneof(
      oddHeaderText,
      fc.constantFrom(
        'gzip',
        'br',
        'deflate, gzip',
        'identity',
        '100-continue',
        'GET',
        'DELETE',
        'bytes=0-1',
        '*',
        '../../etc/passwd',
        `\${jndi:ldap://x}`,
        '<script>',
      ),
      fc.integer({ min: 1, max: 7_000 }).map((n) => 'x'.repeat(n)),
    ),
    { maxKeys: 5 },
  )
  .filter((h) => h.expect === undefined || h.expect === '100-continue');

/** Query strings with broken escapes, prototype keys, arrays and odd separators. */
export const oddQuery = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '%ZZ',
        '%',
        '%0',
        '%00',
        '%ff',
        '%C0%AF',
        '%E0%80%80',
        '%ED%A0%80',
        '%uD800',
        '%3A',
        '%2F',
        '%3F',
        '&',
        '&&',
        '=',
        '==',
        '[]',
        '[',
        ']',
        '__proto__',
        '__proto__[x]=1',
        'constructor[prototype][x]=1',
        'a=1',
        'a[b]=c',
        'a[]=1&a[]=2',
        '+',
        ';',
        '?',
        '??',
        '/..',
      ),
      fc.string({ unit: fc.constantFrom(..."abcXYZ019-._~!$'()*,;:@/?".split('')), maxLength: 8 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));

/** Odd spellings of a route's path: broken escapes, extra segments, case, dots, separators. */
export function oddPaths(route: string) {
  const [prefix = '', last = ''] = [route.slice(0, route.lastIndexOf('/')), route.split('/').pop()];
  return fc.oneof(
    fc.constantFrom(
      `${route}/`,
      `${route}%ZZ`,
      `${route}%`,
      `${route}%00`,
      `${route}%ff`,
      `${route}%C0%AF`,
      `${route}%2F`,
      `${route}%2e%2e`,
      `${route};a=b`,
      `${route}/..`,
      `${route}/.`,
      `/${route}`,
      `${prefix}//${last}`,
      `${prefix}/%ZZ${last}`,
      `${prefix}/${last.toUpperCase()}`,
      `${route}/${'x'.repeat(2000)}`,
      `${route}*`,
      `${route}#fragment`,
    ),
    fc
      .string({ unit: fc.constantFrom(..."/%.;:@!$&'()*+,=-_~aZ09".split('')), maxLength: 20 })
      .map((tail) => `${route}${tail}`),
  );
}

/**
 * Request targets carrying raw bytes no URL may hold unescaped (Latin-1, quotes, braces…): a
 * broken client or an attacker can send them, and HTTP parsing itself refuses some of them.
 */
export function rawByteTargets(route: string) {
  const rawChar = fc
    .oneof(
      fc.integer({ min: 0x80, max: 0xff }),
      fc.constantFrom(...'"<>\\^`{|}'.split('').map((c) => c.charCodeAt(0))),
    )
    .map((c) => String.fromCharCode(c));
  return fc
    .tuple(fc.boolean(), fc.string({ unit: rawChar, minLength: 1, maxLength: 6 }))
    .map(([inQuery, raw]) => (inQuery ? `${route}?q=${raw}` : `${route}/${raw}`));
}

export const oddMethods = fc.constantFrom('POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
