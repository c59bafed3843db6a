/**
 * The state rows of the rules file through the real app: `POST /cadence/preview` for leads in
 * the states with rows, every call checked against the lead's window by independent luxon code.
 */
import { describe, expect, it } from 'vitest';
import {
  calls,
  checkedPreviews,
  callDues as dues,
  expectClockWithin,
} from './support/lead-preview.ts';

const preview = checkedPreviews();

describe('a Texas lead (+1 214) of a Dallas team that works every day', () => {
  const everyDay = {
    TIMEZONE: 'America/Chicago',
    BUSINESS_HOURS: 'Mon-Sun 08:00-20:00',
    LEAD_CONTACT_HOURS: 'Mon-Sun 08:00-20:00',
  };
  // Sunday 19 April 2026, 08:30 in Dallas.
  const body = { createdAt: '2026-04-19T08:30:00-05:00', phone: '+1 214 555 0100' };

  it('arriving on a Sunday morning is first called at 12:00 Texas time, on weekdays from 09:00', async () => {
    const p = await preview(everyDay, body);
    expect(p.leadWindow.usState).toBe('TX');
    expect(dues(p, 'America/Chicago')).toEqual([
      'Sun 2026-04-19 12:00',
      'Sun 2026-04-19 13:00',
      'Sun 2026-04-19 15:00',
      'Thu 2026-04-23 09:00',
      'Sat 2026-05-02 09:00',
      'Sun 2026-05-03 12:00',
    ]);
  });

  it('would be called at once without the rules file (the Texas row is what moves it)', async () => {
    const p = await preview({ ...everyDay, CALLING_RULES: 'none' }, body);
    expect(dues(p, 'America/Chicago')[0]).toBe('Sun 2026-04-19 08:30');
    expect(calls(p).some((c) => c.body.includes('Calling rules'))).toBe(false);
  });

  it('tells the rep on every call task what Texas allows, so a late call stays legal', async () => {
    const p = await preview(everyDay, body);
    const line =
      'Calling rules, in Chicago time: Tex. Bus. & Com. Code § 301.051 (formerly § 37.02(a)(2)): Mon-Sat 09:00-21:00; Sun 12:00-21:00.';
    for (const call of calls(p)) expect(call.body.split('\n\n')[0]).toBe(line);
    // Emails are not calls: no such line.
    const emails = p.steps.filter((s) => s.channel === 'email');
    expect(emails.length).toBeGreaterThan(0);
    for (const email of emails) expect(email.body).not.toContain('Calling rules');
  });
});

describe('state no-call days hold even when the team would call every day of the week', () => {
  const weekends = { TIMEZONE: 'America/New_York', LEAD_CONTACT_HOURS: 'Mon-Sun 08:00-20:00' };

  it('calls a Rhode Island lead (+1 401) neither on Sunday nor on Victory Day, and from 09:00', async () => {
    // Friday 7 August 2026, 17:30 in Providence; Monday 10 August is Victory Day.
    const body = { createdAt: '2026-08-07T17:30:00-04:00', phone: '+1 401 555 0100' };
    const p = await preview(weekends, body);
    expect(p.leadWindow.usState).toBe('RI');
    const first = calls(p)[0];
    expect(first?.reason).toBe('moved_past_holiday:RI');
    expect(dues(p, 'America/New_York')[0]).toBe('Tue 2026-08-11 09:00');
    for (const due of dues(p, 'America/New_York')) {
      expect(due).not.toMatch(/^Sun|2026-08-10/);
      expectClockWithin(due, '09:00', '18:00');
    }
  });

  it('calls an Alabama lead (+1 205) neither on Sunday nor on Confederate Memorial Day', async () => {
    // Friday 24 April 2026, after the team's day; Monday 27 April is an Alabama state holiday.
    const body = { createdAt: '2026-04-24T17:30:00-04:00', phone: '+1 205 555 0100' };
    const p = await preview(weekends, body);
    expect(p.leadWindow.usState).toBe('AL');
    expect(calls(p)[0]?.reason).toBe('moved_past_holiday:AL');
    expect(dues(p, 'America/Chicago')[0]).toBe('Tue 2026-04-28 08:00');
    for (const due of dues(p, 'America/Chicago')) expect(due).not.toMatch(/^Sun|2026-04-27/);
  });

  it('calls a Pennsylvania lead (+1 215) not on Good Friday, a legal holiday date-holidays lacks', async () => {
    // Thursday 2 April 2026, after the team's day; Friday 3 April is Good Friday.
    const body = { createdAt: '2026-04-02T17:30:00-04:00', phone: '+1 215 555 0100' };
    const p = await preview({ TIMEZONE: 'America/New_York' }, body);
    expect(p.leadWindow.usState).toBe('PA');
    expect(calls(p)[0]?.reason).toBe('moved_past_holiday:PA');
    expect(dues(p, 'America/New_York')[0]).toBe('Mon 2026-04-06 09:00');
  });
});

describe('a Pennsylvania lead (+1 215) of a New York team that works every day', () => {
  it('is called Monday to Saturday 09:00-19:00 only, never on a Sunday', async () => {
    const everyDay = {
      TIMEZONE: 'America/New_York',
      BUSINESS_HOURS: 'Mon-Sun 08:00-21:00',
      LEAD_CONTACT_HOURS: 'Mon-Sun 08:00-21:00',
    };
    // Saturday 14 November 2026, 18:30 in Philadelphia.
    const body = { createdAt: '2026-11-14T18:30:00-05:00', phone: '+1 215 555 0100' };
    const p = await preview(everyDay, body);
    const all = dues(p, 'America/New_York');
    expect(all[0]).toBe('Sat 2026-11-14 18:30');
    expect(all[1]).toMatch(/^Mon 2026-11-16 09:/); // not Saturday after 19:00, not Sunday
    for (const due of all) {
      expect(due).not.toMatch(/^Sun/);
      expectClockWithin(due, '09:00', '19:00');
    }
  });
});

describe('a Mississippi lead (+1 601) in summer', () => {
  it('is called from 09:00 local, as 08:00 Central Standard Time is 09:00 daylight time', async () => {
    const env = { TIMEZONE: 'America/Chicago', BUSINESS_HOURS: 'Mon-Fri 08:00-17:00' };
    const body = { createdAt: '2026-06-01T07:00:00-05:00', phone: '+1 601 555 0100' };
    const p = await preview(env, body);
    expect(p.leadWindow.usState).toBe('MS');
    expect(dues(p, 'America/Chicago')[0]).toBe('Mon 2026-06-01 09:00');
  });
});

/**
 * One lead per state row added on 2 December 2026, arriving when the federal rule would let it
 * be called at once but its state's row does not: the first call must wait for the state's
 * window, and every call must stay inside it. A missing or loosened row moves the first call.
 */
describe('leads in the states whose rows were added from summaries and device rules', () => {
  const allDay = {
    BUSINESS_HOURS: 'Mon-Sun 06:00-23:00',
    LEAD_CONTACT_HOURS: 'Mon-Sun 06:00-23:00',
  };
  const cases = [
    // [state, phone, zone, arrival (lead-local), first call, window, days with calls]
    [
      'KY',
      '+1 859 555 0100',
      'America/New_York',
      '2026-06-02T09:00:00-04:00',
      'Tue 2026-06-02 10:00',
      ['10:00', '21:00'],
      'MonTueWedThuFriSatSun',
    ],
    [
      'WY',
      '+1 307 555 0100',
      'America/Denver',
      '2026-06-02T20:15:00-06:00',
      'Wed 2026-06-03 08:00',
      ['08:00', '20:00'],
      'MonTueWedThuFriSatSun',
    ],
    [
      'OR',
      '+1 503 555 0100',
      'America/Los_Angeles',
      '2026-06-02T20:15:00-07:00',
      'Wed 2026-06-03 08:00',
      ['08:00', '20:00'],
      'MonTueWedThuFriSatSun',
    ],
    [
      'MI',
      '+1 313 555 0100',
      'America/New_York',
      '2026-06-02T08:30:00-04:00',
      'Tue 2026-06-02 09:00',
      ['09:00', '21:00'],
      'MonTueWedThuFriSatSun',
    ],
    [
      'MN',
      '+1 612 555 0100',
      'America/Chicago',
      '2026-06-02T08:30:00-05:00',
      'Tue 2026-06-02 09:00',
      ['09:00', '21:00'],
      'MonTueWedThuFriSatSun',
    ],
    // South Dakota: no Sundays; 605 spans Mountain and Central, so 09:00 Mountain is the first
    // moment both candidate zones allow.
    [
      'SD',
      '+1 605 555 0100',
      'America/Denver',
      '2026-06-07T10:00:00-06:00',
      'Mon 2026-06-08 09:00',
      ['09:00', '21:00'],
      'MonTueWedThuFriSat',
    ],
  ] as const;

  for (const [state, phone, zone, createdAt, first, [start, end], days] of cases) {
    it(`calls a lead in ${state} (${phone.slice(0, 6)}) first at ${first.slice(-5)} ${first.slice(0, 3)}, only ${start}-${end} on ${{ 21: 'any day', 18: 'Mon-Sat', 15: 'weekdays' }[days.length]}`, async () => {
      const p = await preview({ TIMEZONE: zone, ...allDay }, { createdAt, phone });
      expect(p.leadWindow.usState).toBe(state);
      const all = dues(p, zone);
      expect(all[0]).toBe(first);
      for (const due of all) {
        expect(days, due).toContain(due.slice(0, 3));
        expectClockWithin(due, start, end);
      }
    });
  }
});

describe('contact hours a state leaves no time in (an evening team)', () => {
  const evenings = {
    TIMEZONE: 'America/New_York',
    BUSINESS_HOURS: 'Mon-Fri 09:00-21:00',
    LEAD_CONTACT_HOURS: 'Mon-Fri 18:00-21:00',
  };
  // Wednesday 2 December 2026, 10:00 in New York.
  const at = '2026-12-02T10:00:00-05:00';

  it('plans no call for a Rhode Island lead (calls end at 18:00 there), only its emails', async () => {
    const p = await preview(evenings, { createdAt: at, phone: '+1 401 555 0100' });
    expect(p.leadWindow.usState).toBe('RI');
    expect(calls(p)).toEqual([]);
    expect(p.steps.filter((s) => s.channel === 'email')).toHaveLength(5);
  });

  it('still calls a New York lead in the evening, until the federal 21:00', async () => {
    const p = await preview(evenings, { createdAt: at, phone: '+1 212 555 0100' });
    expect(calls(p)).toHaveLength(6);
    for (const due of dues(p, 'America/New_York')) expectClockWithin(due, '18:00', '21:00');
  });
});
