/**
 * Calling rules beyond one known US state, through the real app (`POST /cadence/preview`): other
 * countries' national rows, a US lead whose state is unknown, and a lead whose state field and
 * area code disagree. Every call is checked against the lead's window by independent luxon code.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  calls,
  checkedPreviews,
  callDues as dues,
  expectClockWithin,
  local,
} from './support/lead-preview.ts';

const preview = checkedPreviews();

/** The body's line that states the calling rules (other lines may say why a time was chosen). */
const firstLine = (body: string) =>
  body.split('\n\n').find((line) => line.startsWith('Calling rules, ')) ?? '';

describe('a Toronto lead (+1 416)', () => {
  // Monday 12 April 2027, 08:15 in Toronto; the team works 08:00-20:00 there.
  const env = { TIMEZONE: 'America/Toronto', BUSINESS_HOURS: 'Mon-Fri 08:00-20:00' };
  const body = { createdAt: '2027-04-12T08:15:00-04:00', phone: '+1 416 555 0100' };

  it('is first called at 09:00, when the CRTC Telemarketing Rules allow it, and says so', async () => {
    const p = await preview(env, body);
    expect(p.leadWindow).toMatchObject({ usState: null, holidaysOf: 'CA' });
    expect(dues(p, 'America/Toronto')[0]).toBe('Mon 2027-04-12 09:00');
    for (const call of calls(p)) {
      expect(firstLine(call.body)).toBe(
        'Calling rules, in Toronto time: CRTC Unsolicited Telecommunications Rules, Part III (Telemarketing Rules): Mon-Fri 09:00-21:30; Sat-Sun 10:00-18:00.',
      );
    }
  });

  it('would be called at once without the rules file', async () => {
    const p = await preview({ ...env, CALLING_RULES: 'none' }, body);
    expect(dues(p, 'America/Toronto')[0]).toBe('Mon 2027-04-12 08:15');
  });
});

describe('a Paris lead (+33 1)', () => {
  const env = { TIMEZONE: 'Europe/Paris', BUSINESS_HOURS: 'Mon-Fri 08:00-20:00' };
  // Tuesday 13 April 2027, 12:50 in Paris: inside the morning range, the second call would fall
  // in the lunch break.
  const body = { createdAt: '2027-04-13T12:50:00+02:00', phone: '+33 1 42 68 53 00' };

  it('is called weekdays 10:00-13:00 and 14:00-20:00 only, never at lunch', async () => {
    const p = await preview(env, body);
    const all = dues(p, 'Europe/Paris');
    expect(all[0]).toBe('Tue 2027-04-13 12:50');
    expect(local(calls(p)[1]?.reminderAt ?? '', 'Europe/Paris').toFormat('HH:mm')).toBe('14:00');
    for (const due of all) {
      const clock = due.slice(-5);
      expect(due).not.toMatch(/^(Sat|Sun)/);
      expect((clock >= '10:00' && clock < '13:00') || (clock >= '14:00' && clock < '20:00')).toBe(
        true,
      );
    }
  });

  it('gets its emails in the team’s and its own hours, not held to the calling rules', async () => {
    // Tuesday 13 April 2027, 09:00 in Paris, a Paris team: the call waits for 10:00, the email
    // does not (the decree governs calls).
    const early = { createdAt: '2027-04-13T09:00:00+02:00', phone: '+33 1 42 68 53 00' };
    const p = await preview(env, early);
    expect(dues(p, 'Europe/Paris')[0]).toBe('Tue 2027-04-13 10:00');
    const [email] = p.steps.filter((s) => s.channel === 'email');
    expect(local(email?.dueAt ?? '', 'Europe/Paris').toFormat('HH:mm')).toBe('09:00');
  });

  it('is called at most 4 times in any 30 days: the fifth call waits, and says why', async () => {
    const p = await preview(env, body);
    const times = calls(p).map((c) => Date.parse(c.dueAt));
    expect(times).toHaveLength(6);
    for (let i = 4; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 4] ?? 0)).toBeGreaterThanOrEqual(30 * 86_400_000);
    }
    expect(calls(p)[4]?.reason).toBe('state_cap:FR');
    expect(firstLine(calls(p)[0]?.body ?? '')).toBe(
      'Calling rules, in Paris time: Code de la consommation, art. D223-9 (Décret n° 2022-1313 du 13 octobre 2022): Mon-Fri 10:00-13:00,14:00-20:00, no calls on its legal holidays, at most 4 calls in 30 days.',
    );
  });
});

describe('a Lisbon lead (+351 21) and a Puerto Rico lead (+1 787)', () => {
  const env = {
    TIMEZONE: 'Europe/Lisbon',
    BUSINESS_HOURS: 'Mon-Sun 07:00-23:00',
    LEAD_CONTACT_HOURS: 'Mon-Sun 07:00-23:00',
  };

  it('calls Portugal 09:00-22:00 only (Decreto-Lei 134/2009, art. 7.º)', async () => {
    // Tuesday 13 April 2027, 08:10 in Lisbon.
    const body = { createdAt: '2027-04-13T08:10:00+01:00', phone: '+351 21 321 7000' };
    const p = await preview(env, body);
    expect(dues(p, 'Europe/Lisbon')[0]).toBe('Tue 2027-04-13 09:00');
    for (const due of dues(p, 'Europe/Lisbon')) {
      expectClockWithin(due, '09:00', '22:00');
    }
  });

  it('holds Puerto Rico to the federal rule, as a US territory (08:00-21:00)', async () => {
    const body = { createdAt: '2027-04-13T07:10:00-04:00', phone: '+1 787 555 0100' };
    const p = await preview({ ...env, TIMEZONE: 'America/Puerto_Rico' }, body);
    expect(p.leadWindow.rules.map((r) => r.code)).toEqual(['US']);
    expect(dues(p, 'America/Puerto_Rico')[0]).toBe('Tue 2027-04-13 08:00');
    const none = await preview(
      { ...env, TIMEZONE: 'America/Puerto_Rico', CALLING_RULES: 'none' },
      body,
    );
    expect(dues(none, 'America/Puerto_Rico')[0]).toBe('Tue 2027-04-13 07:10');
  });
});

describe('a Sydney lead (+61 2) of a team that works every day', () => {
  it('is called Monday to Saturday only, 09:00-20:00 and Saturdays to 17:00, not on Australia Day', async () => {
    const env = {
      TIMEZONE: 'Australia/Sydney',
      BUSINESS_HOURS: 'Mon-Sun 08:00-21:00',
      LEAD_CONTACT_HOURS: 'Mon-Sun 08:00-21:00',
      LEAD_HOLIDAYS: 'false',
    };
    // Saturday 23 January 2027, 16:45 in Sydney; Tuesday 26 January is Australia Day.
    const body = { createdAt: '2027-01-23T16:45:00+11:00', phone: '+61 2 9374 4000' };
    const p = await preview(env, body);
    const all = dues(p, 'Australia/Sydney');
    expect(all[0]).toBe('Sat 2027-01-23 16:45');
    // Not Saturday after 17:00, not Sunday: Monday from 09:00.
    expect(local(calls(p)[1]?.reminderAt ?? '', 'Australia/Sydney').toFormat('ccc HH:mm')).toBe(
      'Mon 09:00',
    );
    for (const due of all) {
      expect(due).not.toMatch(/^Sun|2027-01-26/);
      const limit = due.startsWith('Sat') ? '17:00' : '20:00';
      expectClockWithin(due, '09:00', limit);
    }
  });
});

describe('a US lead whose state is unknown', () => {
  const env = {
    TIMEZONE: 'America/New_York',
    BUSINESS_HOURS: 'Mon-Sun 08:00-20:00',
    LEAD_CONTACT_HOURS: 'Mon-Sun 08:00-20:00',
  };

  it('(a toll-free number) is called when every state allows it, in every zone it may be in', async () => {
    // Sunday 18 April 2027, 10:00 in New York.
    const body = { createdAt: '2027-04-18T10:00:00-04:00', phone: '+1 800 555 0100' };
    const p = await preview(env, body);
    expect(p.leadWindow.usState).toBeNull();
    expect(p.candidates).toEqual(
      expect.arrayContaining(['America/Los_Angeles', 'Pacific/Honolulu']),
    );
    expect(p.candidates).not.toContain('Pacific/Guam');
    for (const call of calls(p)) {
      expect(firstLine(call.body)).toMatch(
        /^Calling rules, in New York time: US state unknown, so every state's rules at once: Mon-Fri 10:00-18:00; Sat 10:00-17:00, no calls on the legal holidays of AL, .*, at most 3 calls in 24 hours\.$/,
      );
      // 10:00-18:00 in Honolulu and in Halifax at once: never a Sunday, never before 10:00 in
      // the west nor after 18:00 in the east.
      const at = DateTime.fromISO(call.dueAt);
      expect(at.setZone('America/New_York').weekday).not.toBe(7);
      expect(at.setZone('Pacific/Honolulu').hour).toBeGreaterThanOrEqual(10);
      expect(at.setZone('America/Halifax').hour).toBeLessThan(18);
    }
  });

  it('(a country field alone) is not called on Sunday, as the federal rule alone would allow', async () => {
    const body = { createdAt: '2027-04-18T12:00:00-04:00', country: 'United States' };
    const p = await preview(env, body);
    expect(dues(p, 'America/New_York')[0]).toMatch(/^Mon 2027-04-19/);
    const federal = await preview({ ...env, CALLING_RULES: 'none' }, body);
    expect(dues(federal, 'America/New_York')[0]).toMatch(/^Sun 2027-04-18/);
  });
});

describe('a lead whose state field and area code disagree', () => {
  it('(Texas field, Florida number) gets both states: Texas hours and Florida’s cap', async () => {
    const env = {
      TIMEZONE: 'America/New_York',
      BUSINESS_HOURS: 'Mon-Sun 08:00-20:00',
      LEAD_CONTACT_HOURS: 'Mon-Sun 08:00-20:00',
    };
    // Sunday 18 April 2027, 11:00 in Miami: Texas allows no call before 12:00 on Sundays.
    const body = { createdAt: '2027-04-18T11:00:00-04:00', phone: '+1 305 555 0100', state: 'TX' };
    const p = await preview(env, body);
    expect(p.leadWindow.usState).toBe('TX');
    expect(dues(p, 'America/New_York')[0]).toBe('Sun 2027-04-18 12:00');
    const line = firstLine(calls(p)[0]?.body ?? '');
    expect(line).toContain('Tex. Bus. & Com. Code § 301.051');
    expect(line).toContain('Fla. Stat. § 501.616(6)(a)-(b)');
    const times = calls(p).map((c) => Date.parse(c.dueAt));
    for (let i = 3; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 3] ?? 0)).toBeGreaterThanOrEqual(86_400_000);
    }
  });
});
