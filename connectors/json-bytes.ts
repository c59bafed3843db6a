/**
 * JSON to and from the bytes of a CRM request, without the one string that costs most.
 *
 * V8 keeps a string at one byte per character until it holds one past Latin-1, then at two.
 * A HubSpot batch of 100 tasks is about 76 KB of JSON; with an em dash in each title (the
 * cadence's task titles have one) the whole text becomes two-byte, 150 KB, past V8's largest
 * regular heap object (128 KB), and writing it took 0.7–1.3 ms against 0.07 ms in ASCII
 * (Node 24, `JSON.stringify`); reading HubSpot's answer, which echoes the titles, took 0.76 ms
 * against 0.13 ms (UTF-8 decoding and `JSON.parse`). Both stay small here: a request is
 * written part by part (the batch, then each input), each part made ASCII with `\uXXXX`
 * escapes while it is small (the same JSON to any parser, RFC 8259 §7), straight into bytes;
 * an answer is read as Latin-1 (one byte, one character) and only its strings that held
 * UTF-8 sequences are decoded again.
 */

import { isAscii } from 'node:buffer';

const PAST_ASCII = /[\u0080-\uffff]/;
const ALL_PAST_ASCII = /[\u0080-\uffff]/g;
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON text with its characters past ASCII escaped (they can only be inside strings). */
const ascii = (json: string) =>
  PAST_ASCII.test(json) ? json.replace(ALL_PAST_ASCII, unicodeEscape) : json;

/** Objects and arrays to write part by part; anything with `toJSON` is left to it. */
const composite = (value: unknown): value is object =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as { toJSON?: unknown }).toJSON !== 'function';

/**
 * Pushes the JSON of `value` onto `out`, part by part down to `depth` levels, each part made
 * ASCII when `asciiOnly` says so.
 */
function jsonParts(value: unknown, depth: number, out: string[], asciiOnly: boolean): void {
  const text = (json: string) => (asciiOnly ? ascii(json) : json);
  if (depth === 0 || !composite(value)) {
    // JSON.stringify writes an array element it cannot write (undefined, a function) as null.
    out.push(text(JSON.stringify(value) ?? 'null'));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      jsonParts(value[i], depth - 1, out, asciiOnly);
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out.push(first ? '' : ',', text(JSON.stringify(key)), ':');
    first = false;
    jsonParts(item, depth - 1, out, asciiOnly);
  }
  out.push('}');
}

/**
 * `JSON.stringify(value)` as UTF-8 bytes, written part by part: every character past ASCII
 * escaped (the default), or, with `asciiOnly: false`, the very bytes of
 * `Buffer.from(JSON.stringify(value))` (what the test emulators answer, as HubSpot does).
 */
export function jsonBytes(value: unknown, { asciiOnly = true } = {}): Buffer {
  const parts: string[] = [];
  jsonParts(value, 2, parts, asciiOnly);
  const encoding = asciiOnly ? 'latin1' : 'utf8';
  let size = 0;
  for (const part of parts) size += asciiOnly ? part.length : Buffer.byteLength(part, 'utf8');
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) at += bytes.write(part, at, encoding);
  return bytes;
}

const UTF8_SEQUENCE = /[\u0080-\u00ff]/;
/** The plain way, as `Response.text()` decodes: a byte-order mark is dropped. */
const utf8 = new TextDecoder();
/**
 * What reading as Latin-1 would get wrong: a byte-order mark, or an escape of a character past
 * ASCII (it would be mixed up with the bytes of a UTF-8 sequence). `\\u` of an escaped
 * backslash matches too: such an answer is only read the plain way.
 */
const NOT_LATIN1_SAFE = /^\u00ef\u00bb\u00bf|\\u(?!00[0-7])/;

/** The value with every string that held UTF-8 bytes (as Latin-1 characters) decoded. */
function decoded(value: unknown): unknown {
  if (typeof value === 'string') {
    return UTF8_SEQUENCE.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decoded(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Rebuilt (keys in order) only when a key held UTF-8 bytes; defined, not assigned, so that
  // a key `__proto__` stays a key.
  const target = keys.some((key) => UTF8_SEQUENCE.test(key)) ? {} : record;
  for (const key of keys) {
    const item = decoded(record[key]);
    const name = target === record ? key : (decoded(key) as string);
    if (target !== record || item !== record[key]) {
      Object.defineProperty(target, name, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return target;
}

/** `JSON.parse` of UTF-8 bytes; throws as it does. */
export function parseJsonBytes(bytes: Buffer): unknown {
  const latin1 = bytes.toString('latin1');
  if (isAscii(bytes)) return JSON.parse(latin1);
  if (NOT_LATIN1_SAFE.test(latin1)) return JSON.parse(utf8.decode(bytes));
  return decoded(JSON.parse(latin1));
}
