import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoOf, parseIso } from '../../src/engine/iso-time.ts';

const SEED = 18_2026;
/** From year 1 to 9999 and a little beyond, where `toISOString` changes its shape. */
const instants = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_800_000 + 86_400_000 });

describe('ISO instants without Date', () => {
  it('writes every instant as toISOString does', () => {
    fc.assert(
      fc.property(instants, (ms) => {
        expect(isoOf(ms)).toBe(new Date(ms).toISOString());
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it('reads every instant toISOString writes as Date.parse does', () => {
    fc.assert(
      fc.property(instants, (ms) => {
        const text = new Date(ms).toISOString();
        expect(parseIso(text)).toBe(Date.parse(text));
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it('reads other shapes and impossible dates as Date.parse does', () => {
    for (const text of [
      '2026-02-29T10:00:00.000Z',
      '2028-02-29T10:00:00.000Z',
      '2026-04-31T10:00:00.000Z',
      '2026-13-01T10:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T10:60:00.000Z',
      '0099-01-01T10:00:00.000Z',
      '2026-01-01T10:00:00Z',
      '2026-01-01T10:00:00.000+02:00',
      '2026-01-01',
      '2026-0a-01T10:00:00.000Z',
      'not a date at all, 24 ch',
    ]) {
      expect(parseIso(text), text).toBe(Date.parse(text));
    }
  });

  it('writes what Date refuses or shapes differently as Date does', () => {
    for (const ms of [0.5, -1, 253_402_300_800_000, -62_198_755_200_000]) {
      expect(isoOf(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoOf(Number.NaN)).toThrow(RangeError);
  });
});
