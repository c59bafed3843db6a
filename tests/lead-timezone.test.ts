import { describe, expect, it } from 'vitest';
import { formatWeeklyHours, parseRange } from '../src/config/hours.ts';
import type { MinuteRange } from '../src/engine/types.ts';
import { loadCallingRules } from '../src/rules/calling-rules.ts';
import { resolveLead } from '../src/timezone/lead-jurisdiction.ts';
import { countryCode, leadTimezone } from '../src/timezone/lead-timezone.ts';

const at = Date.parse('2026-11-24T15:00:00Z');

describe('lead time zone', () => {
  it('uses the zone the CRM holds on the lead when the phone and country allow it', () => {
    expect(leadTimezone({ timezone: 'Asia/Tokyo' }, 'UTC', at)).toEqual({
      zone: 'Asia/Tokyo',
      source: 'lead',
      candidates: ['Asia/Tokyo'],
    });
    expect(
      leadTimezone({ timezone: 'Australia/Perth', country: 'AU' }, 'UTC', at).candidates,
    ).toEqual(['Australia/Perth']);
    expect(
      leadTimezone({ timezone: 'America/Detroit', phone: '+1 212 555 0100' }, 'UTC', at).source,
    ).toBe('lead');
  });

  it('reads the window in the CRM’s zone and the phone’s when they contradict each other', () => {
    expect(leadTimezone({ timezone: 'Asia/Tokyo', phone: '+49 30 1234567' }, 'UTC', at)).toEqual({
      zone: 'Asia/Tokyo',
      source: 'safe',
      candidates: ['Asia/Tokyo', 'Europe/Berlin'],
    });
    // EST is Panama's clock (no daylight saving time), not Miami's: in doubt itself, it does not
    // count the lead's days; the most populous candidate does.
    expect(leadTimezone({ timezone: 'EST', phone: '+1 305 555 0100' }, 'UTC', at)).toEqual({
      zone: 'America/New_York',
      source: 'safe',
      candidates: ['America/New_York', 'EST'],
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
    // window is read in the most populous group of candidates that share one: all but Hawaii,
    // not New York alone.
    const apart = leadTimezone({ phone: '+49 30 1234567', country: 'US' }, 'UTC', at);
    expect(apart).toMatchObject({ zone: 'America/New_York', source: 'populous' });
    expect(apart.candidates).toEqual(
      expect.arrayContaining(['Europe/Berlin', 'America/New_York', 'America/Los_Angeles']),
    );
    expect(apart.candidates).not.toContain('Pacific/Honolulu');
  });

  it('treats zones with the same clock all year as one (DE is Berlin)', () => {
    expect(leadTimezone({ country: 'DE' }, 'UTC', at)).toEqual({
      zone: 'Europe/Berlin',
      source: 'country',
      candidates: ['Europe/Berlin'],
    });
  });

  it('reads a country field written as CRMs hold it: codes, names, short names, other languages', () => {
    const fields = ['us', 'United States', 'U.S.A.', 'EE. UU.', 'UK', 'Deutschland', 'España'];
    expect(fields.map((field) => countryCode(field))).toEqual([
      'US',
      'US',
      'US',
      'US',
      'GB',
      'DE',
      'ES',
    ]);
    expect(['The Netherlands', 'Turkey', 'Narnia'].map((f) => countryCode(f))).toEqual([
      'NL',
      'TR',
      undefined,
    ]);
    // A US number as US CRMs often hold it, without its country code: the field decides.
    const tz = leadTimezone({ country: 'United States', phone: '(212) 555-0100' }, 'UTC', at);
    expect(tz).toMatchObject({ zone: 'America/New_York', source: 'phone' });
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

  it('applies no US rule outside the US', () => {
    const berlin = resolveLead({ phone: '+49 30 1234567' }, context);
    expect(berlin).toMatchObject({ country: 'DE', jurisdiction: { country: 'DE', rules: [] } });
  });

  it('applies every state row at once to a US lead whose state is unknown', () => {
    const tollFree = resolveLead({ phone: '+1 800 555 0100' }, context);
    const unknown = resolveLead({ country: 'US' }, context);
    for (const lead of [tollFree, unknown]) {
      expect(lead.state).toBeUndefined();
      expect(lead.jurisdiction.rules.map((r) => r.code)).toEqual(['US', 'ANY-STATE']);
    }
    const [, any] = unknown.jurisdiction.rules;
    // Kentucky's start, Rhode Island's ends and Sunday ban, Florida's cap, every state's holidays.
    expect(formatWeeklyHours(any?.hours ?? [])).toBe('Mon-Fri 10:00-18:00; Sat 10:00-17:00');
    expect(any?.maxPer24h).toBe(3);
    expect(any?.isHoliday?.('2026-02-17')).toBe(true); // Mardi Gras, Louisiana
    expect(any?.isHoliday?.('2026-07-24')).toBe(true); // Pioneer Day, Utah
    expect(any?.isHoliday?.('2026-07-23')).toBe(false);
    expect(any?.notice).toMatch(/^US state unknown, so every state's rules at once: Mon-Fri/);
  });

  it('applies both states when the state field and the area code disagree', () => {
    // A Florida number on a Texas lead: Florida presumes its area codes reach residents.
    const both = resolveLead({ phone: '+1 305 555 0100', state: 'TX' }, context);
    expect(both.state).toBe('TX');
    expect(both.jurisdiction.rules.map((r) => r.code)).toEqual(['US', 'TX', 'FL']);
    const same = resolveLead({ phone: '+1 214 555 0100', state: 'Texas' }, context);
    expect(same.jurisdiction.rules.map((r) => r.code)).toEqual(['US', 'TX']);
  });

  it('applies the US rules to a US number on a lead whose country field says otherwise', () => {
    const lead = resolveLead({ phone: '+1 305 555 0100', country: 'Germany' }, context);
    expect(lead.country).toBe('DE');
    expect(lead.jurisdiction.rules.map((r) => r.code)).toEqual(['US', 'FL']);
  });
});
