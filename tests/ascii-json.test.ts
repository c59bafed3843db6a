import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiJson } from '../connectors/ascii-json.ts';

describe('ASCII-only JSON for request bodies', () => {
  it('parses back to what JSON.stringify wrote, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(asciiJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes no character past ASCII in values, whatever the strings hold', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (strings) => {
        const json = asciiJson({ title: strings, nested: [{ name: strings[0] }] });
        expect([...json].every((c) => c.charCodeAt(0) < 128)).toBe(true);
        expect(JSON.parse(json)).toEqual({ title: strings, nested: [{ name: strings[0] }] });
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a task title with an em dash as an escape, and keeps dates, nulls and undefined as JSON.stringify does', () => {
    const at = new Date('2026-12-02T08:00:00.000Z');
    const value = { subject: 'Call 1 of 6 — José', at, gone: undefined, list: [1, null, 'é'] };
    expect(asciiJson(value)).toBe(
      '{"subject":"Call 1 of 6 \\u2014 Jos\\u00e9","at":"2026-12-02T08:00:00.000Z","list":[1,null,"\\u00e9"]}',
    );
    expect(JSON.parse(asciiJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('keeps a key named __proto__ as a key', () => {
    const value = JSON.parse('{"__proto__":{"a":"—"},"b":1}') as unknown;
    expect(asciiJson(value)).toBe('{"__proto__":{"a":"\\u2014"},"b":1}');
  });
});
