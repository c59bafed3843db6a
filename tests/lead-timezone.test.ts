import { describe, expect, it } from 'vitest';
import { leadTimezone } from '../src/timezone/lead-timezone.ts';

const at = Date.parse('2026-11-24T15:00:00Z');

describe('lead time zone', () => {
  it('uses the zone the CRM holds on the lead', () => {
    expect(leadTimezone({ timezone: 'Asia/Tokyo', phone: '+49 30 1234567' }, 'UTC', at)).toEqual({
      zone: 'Asia/Tokyo',
      source: 'lead',
    });
  });

  it('derives the zone from a phone number whose area code has one zone', () => {
    expect(leadTimezone({ phone: '+1 415 555 0100' }, 'UTC', at).zone).toBe('America/Los_Angeles');
    expect(leadTimezone({ phone: '030 1234567', country: 'Germany' }, 'UTC', at).zone).toBe(
      'Europe/Berlin',
    );
  });

  it('falls back to the country when the number spans zones (toll-free)', () => {
    expect(leadTimezone({ phone: '+1 800 555 0100', country: 'US' }, 'Europe/Paris', at)).toEqual({
      zone: 'Europe/Paris',
      source: 'team',
    });
    expect(leadTimezone({ phone: '+1 800 555 0100', country: 'FR' }, 'UTC', at)).toEqual({
      zone: 'Europe/Paris',
      source: 'country',
    });
  });

  it('treats zones with the same clock all year as one (DE covers Berlin and Busingen)', () => {
    expect(leadTimezone({ country: 'DE' }, 'UTC', at)).toEqual({
      zone: 'Europe/Berlin',
      source: 'country',
    });
  });

  it("uses the team's zone when nothing else determines one", () => {
    expect(
      leadTimezone({ timezone: 'Not/AZone', phone: 'n/a', country: 'Narnia' }, 'UTC', at),
    ).toEqual({
      zone: 'UTC',
      source: 'team',
    });
  });
});
