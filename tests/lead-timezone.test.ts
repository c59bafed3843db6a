import { describe, expect, it } from 'vitest';
import { parseRange } from '../src/config/hours.ts';
import type { MinuteRange } from '../src/engine/types.ts';
import { loadCallingRules } from '../src/rules/calling-rules.ts';
import { resolveLead } from '../src/timezone/lead-jurisdiction.ts';
import { leadTimezone } from '../src/timezone/lead-timezone.ts';

const at = Date.parse('2026-11-24T15:00:00Z');

describe('lead time zone', () => {
  it('uses the zone the CRM holds on the lead', () => {
    expect(leadTimezone({ timezone: 'Asia/Tokyo', phone: '+49 30 1234567' }, 'UTC', at)).toEqual({
      zone: 'Asia/Tokyo',
      source: 'lead',
      candidates: ['Asia/Tokyo'],
    });
  });

  it('derives the zone from a phone number whose area code has one zone', () => {
    expect(leadTimezone({ phone: '+1 415 555 0100' }, 'UTC', at).zone).toBe('America/Los_Angeles');
    expect(leadTimezone({ phone: '030 1234567', country: 'Germany' }, 'UTC', at).zone).toBe(
      'Europe/Berlin',
    );
  });

  it('reads a toll-free number of a US lead in every US zone: a safe window, not the team’s zone', () => {
    const tz = leadTimezone({ phone: '+1 800 555 0100', country: 'US' }, 'Europe/Paris', at);
    expect(tz.source).toBe('safe');
    expect(tz.zone).toBe('America/New_York');
    expect(tz.candidates).toEqual(expect.arrayContaining(['America/New_York', 'Pacific/Honolulu']));
    expect(tz.candidates).not.toContain('Europe/Paris');
  });

  it('reads Australia and Brazil in all their zones, the most populous one counting days', () => {
    const au = leadTimezone({ country: 'Australia' }, 'America/New_York', at);
    expect(au).toMatchObject({ zone: 'Australia/Sydney', source: 'safe' });
    expect(au.candidates).toEqual(expect.arrayContaining(['Australia/Perth', 'Australia/Sydney']));
    expect(au.candidates).not.toContain('Asia/Tokyo');
    expect(leadTimezone({ country: 'BR' }, 'UTC', at)).toMatchObject({
      zone: 'America/Sao_Paulo',
      source: 'safe',
    });
  });

  it('takes every zone when the phone and the country disagree (a Berlin number on a Brazilian lead)', () => {
    const tz = leadTimezone({ phone: '+49 30 1234567', country: 'BR' }, 'UTC', at);
    expect(tz.source).toBe('safe');
    expect(tz.candidates).toEqual(expect.arrayContaining(['Europe/Berlin', 'America/Sao_Paulo']));
    // Berlin and Honolulu are 12 hours apart in summer: no 12-hour window lies in both, so the
    // most populous candidate stands alone.
    expect(leadTimezone({ phone: '+49 30 1234567', country: 'US' }, 'UTC', at)).toEqual({
      zone: 'America/New_York',
      source: 'populous',
      candidates: ['America/New_York'],
    });
  });

  it('treats zones with the same clock all year as one (DE is Berlin)', () => {
    expect(leadTimezone({ country: 'DE' }, 'UTC', at)).toEqual({
      zone: 'Europe/Berlin',
      source: 'country',
      candidates: ['Europe/Berlin'],
    });
  });

  it("uses the team's zone when nothing else determines one", () => {
    expect(
      leadTimezone({ timezone: 'Not/AZone', phone: 'n/a', country: 'Narnia' }, 'UTC', at),
    ).toEqual({ zone: 'UTC', source: 'team', candidates: ['UTC'] });
  });
});

describe('lead jurisdiction', () => {
  const loaded = loadCallingRules();
  if (!loaded.ok) throw new Error(loaded.error);
  const context = {
    teamZone: 'America/New_York',
    at,
    contactHours: (parseRange('08:00-20:00') as { value: MinuteRange }).value,
    callingRules: loaded.value,
  };

  it('finds the state from the area code (libphonenumber geocoding) and applies its rules', () => {
    const miami = resolveLead({ phone: '+1 305 555 0100' }, context);
    expect(miami).toMatchObject({ zone: 'America/New_York', country: 'US', state: 'FL' });
    expect(miami.jurisdiction.rules.map((r) => r.code)).toEqual(['US', 'FL']);
    expect(resolveLead({ phone: '+1 504 555 0100' }, context).state).toBe('LA');
    expect(resolveLead({ phone: '+1 206 555 0100' }, context).state).toBe('WA');
  });

  it('prefers the CRM’s state field, as a code or a name, over the area code', () => {
    expect(resolveLead({ phone: '+1 305 555 0100', state: 'Oklahoma' }, context).state).toBe('OK');
    expect(resolveLead({ phone: '+1 212 555 0100', state: 'md' }, context).state).toBe('MD');
  });

  it('applies no US rule outside the US, and only the federal one where the state is unknown', () => {
    const berlin = resolveLead({ phone: '+49 30 1234567' }, context);
    expect(berlin).toMatchObject({ country: 'DE', jurisdiction: { country: 'DE', rules: [] } });
    const unknown = resolveLead({ country: 'US' }, context);
    expect(unknown.jurisdiction.rules.map((r) => r.code)).toEqual(['US']);
  });
});
