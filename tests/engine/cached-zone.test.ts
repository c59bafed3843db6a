import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { zoneNamed } from '../../src/engine/cached-zone.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** DST in both hemispheres, a half-hour DST shift, a 45-minute offset, a change at midnight. */
const ZONES = [
  'America/New_York',
  'America/Santiago',
  'America/Havana',
  'Europe/London',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Africa/Casablanca',
];

/** About 200,000 offsets each way: 3 s alone, over 5 s on a loaded 2-core machine. */
const TIMEOUT = 30_000;

describe('offsets cached per UTC day', () => {
  it('are the offsets Intl gives, minute by minute around every transition of 2025-2027', {
    timeout: TIMEOUT,
  }, () => {
    const from = Date.parse('2025-01-01T00:00:00Z');
    const to = Date.parse('2028-01-01T00:00:00Z');
    let transitions = 0;
    for (const name of ZONES) {
      const exact = IANAZone.create(name);
      const cached = zoneNamed(name);
      let previous = exact.offset(from);
      for (let t = from; t < to; t += HOUR) {
        const now = exact.offset(t);
        expect(cached.offset(t), `${name} ${new Date(t).toISOString()}`).toBe(now);
        if (now === previous) continue;
        transitions++;
        for (let m = t - 2 * HOUR; m <= t + HOUR; m += MINUTE) {
          expect(cached.offset(m), `${name} ${new Date(m).toISOString()}`).toBe(exact.offset(m));
          expect(cached.offset(m - 1), name).toBe(exact.offset(m - 1));
        }
        previous = now;
      }
    }
    // Every DST zone above changes twice a year; Kathmandu never does.
    expect(transitions).toBeGreaterThanOrEqual(6 * 2 * 3);
  });
});
