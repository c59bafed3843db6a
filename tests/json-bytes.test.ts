import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes, parseJsonBytes } from '../connectors/json-bytes.ts';

/** JSON values whose strings (keys too) hold any UTF-16 code unit, lone surrogates included. */
const anyJson = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 });
const reparsed = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const isAscii = (bytes: Buffer) => bytes.every((b) => b < 0x80);

describe('JSON written as ASCII bytes, part by part', () => {
  it('is what JSON.stringify writes, to a parser, for any JSON value', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const bytes = jsonBytes(value);
        expect(isAscii(bytes)).toBe(true);
        expect(JSON.parse(bytes.toString('utf8'))).toEqual(reparsed(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('without escapes, writes the very bytes of JSON.stringify', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const expected = Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
        expect(jsonBytes(value, { asciiOnly: false }).equals(expected)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a batch of tasks with em dashes as escapes; dates, nulls and undefined as JSON.stringify does', () => {
    const at = new Date('2026-12-02T08:00:00.000Z');
    const value = {
      inputs: [{ properties: { subject: 'Call 1 of 6 — José' }, at, gone: undefined }],
      list: [1, null, undefined, 'é'],
    };
    expect(jsonBytes(value).toString()).toBe(
      '{"inputs":[{"properties":{"subject":"Call 1 of 6 \\u2014 Jos\\u00e9"},"at":"2026-12-02T08:00:00.000Z"}],"list":[1,null,null,"\\u00e9"]}',
    );
  });
});

describe('JSON read from UTF-8 bytes', () => {
  it('is what JSON.parse reads from the decoded text, for any JSON value, raw or escaped', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const raw = Buffer.from(JSON.stringify(value), 'utf8');
        expect(parseJsonBytes(raw)).toEqual(reparsed(value));
        expect(parseJsonBytes(jsonBytes(value))).toEqual(reparsed(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes UTF-8 in values and keys, keeps key order and a key named __proto__', () => {
    const text = '{"__proto__":"Zoë","naïve":["—",{"é":"ü"}],"z":1}';
    const read = parseJsonBytes(Buffer.from(text, 'utf8'));
    expect(read).toEqual(JSON.parse(text));
    expect(Object.keys(read as object)).toEqual(['__proto__', 'naïve', 'z']);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
  });

  it('reads an answer with escapes past ASCII or a byte-order mark the plain way', () => {
    const mixed = Buffer.from('{"a":"\\u00e9 é","b":"\\\\u00e9 ü"}', 'utf8');
    expect(parseJsonBytes(mixed)).toEqual({ a: 'é é', b: '\\u00e9 ü' });
    const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]);
    expect(parseJsonBytes(marked)).toEqual({ a: 'é' });
  });

  it('throws on what is not JSON, as JSON.parse does', () => {
    expect(() => parseJsonBytes(Buffer.from('{"a":'))).toThrow(SyntaxError);
    expect(() => parseJsonBytes(Buffer.from('<html>é</html>'))).toThrow(SyntaxError);
  });
});
