import { describe, expect, it } from 'vitest';
import { cachedZoneDays, MAX_CACHED_DAYS, zoneNamed } from '../src/engine/cached-zone.ts';
import { leadTimezone } from '../src/timezone/lead-timezone.ts';
import { canonicalZone } from '../src/timezone/zone-name.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import { buildTestApp } from './support/test-app.ts';

const track = closedAfterEach();
const NOW = '2026-11-24T15:00:00.000Z';

describe('time zone names from outside', () => {
  it('are read in the IANA database’s own spelling, whatever their letter case', () => {
    expect(canonicalZone('aMeRiCa/NeW_YoRk')).toBe('America/New_York');
    expect(canonicalZone('us/eastern')).toBe('US/Eastern');
    // Spelled right, a name stays as it is: links are not swapped for ICU's names.
    expect(canonicalZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(canonicalZone('EST')).toBe('EST');
    expect(canonicalZone('etc/gmt+5')).toBe('Etc/GMT+5');
  });

  it('refuse UTC offsets, which Intl takes but name no zone, and what is no zone', () => {
    for (const name of ['+05:00', '-0001', '+05', 'Mars/Base', '', 'A'.repeat(65)]) {
      expect(canonicalZone(name)).toBeUndefined();
    }
  });

  it('give a lead whose CRM field holds any spelling one zone', () => {
    const at = Date.parse(NOW);
    for (const timezone of ['america/chicago', 'AMERICA/CHICAGO', 'America/Chicago']) {
      expect(leadTimezone({ timezone }, 'UTC', at)).toEqual({
        zone: 'America/Chicago',
        source: 'lead',
        candidates: ['America/Chicago'],
      });
    }
    // An offset is no zone of the lead's: its phone decides.
    expect(leadTimezone({ timezone: '+09:00', phone: '+1 312 555 0100' }, 'UTC', at).zone).toBe(
      'America/Chicago',
    );
  });

  it('come back from POST /cadence/preview in one spelling, and an offset is refused', async () => {
    const t = await buildTestApp({}, NOW);
    track(t.app);
    for (const timezone of ['aMeRiCa/NeW_YoRk', 'america/new_york']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/cadence/preview',
        payload: { createdAt: '2026-11-24T10:00:00-05:00', timezone },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        timezone: 'America/New_York',
        candidates: ['America/New_York'],
      });
    }
    const offset = await t.app.inject({
      method: 'POST',
      url: '/cadence/preview',
      payload: { createdAt: '2026-11-24T10:00:00-05:00', timezone: '+05:00' },
    });
    expect(offset.statusCode).toBe(400);
    expect(offset.json().error).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'timezone' }],
    });
  });
});

describe('the zones’ offset cache', () => {
  it('holds at most MAX_CACHED_DAYS days over all zones together', () => {
    const zones = ['Asia/Tokyo', 'Europe/Berlin'];
    const start = Date.UTC(2000, 0, 1);
    const days = Math.ceil(MAX_CACHED_DAYS * 0.6);
    for (const name of zones) {
      const zone = zoneNamed(name);
      for (let day = 0; day < days; day += 1) zone.offset(start + day * 86_400_000);
      expect(cachedZoneDays()).toBeLessThanOrEqual(MAX_CACHED_DAYS);
    }
    // Dropped days are asked again: offsets stay right.
    expect(zoneNamed('Europe/Berlin').offset(Date.parse('2026-07-01T12:00:00Z'))).toBe(120);
    expect(zoneNamed('Asia/Tokyo').offset(start)).toBe(540);
  }, 30_000);
});
