/**
 * Desk steps (emails) are timed by the lead's contact hours, zones and public holidays, never by
 * calling rules, and the same lead gets the same desk times whatever other leads were planned
 * before it (the openings cache keys on the zone its holidays are read in).
 */
import { describe, expect, it, vi } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { holidayCalendar, parseHolidays } from '../../src/config/holidays.ts';
import { parseRange, parseWeeklyHours } from '../../src/config/hours.ts';
import type { LeadSnapshot, Schedule } from '../../src/engine/types.ts';
import { unwrap } from '../support/parsed.ts';

const australia = holidayCalendar(unwrap(parseHolidays('AU')));
const schedule: Schedule = {
  teamZone: 'America/New_York',
  businessHours: unwrap(parseWeeklyHours('Mon-Fri 09:00-17:00')),
  contactHours: unwrap(parseRange('08:00-20:00')),
  isHoliday: holidayCalendar(unwrap(parseHolidays(''))),
  leadHolidays: (country, iso) => country === 'AU' && australia(iso),
};

// Friday 24 April 2026, 14:30 UTC (10:30 in New York): Anzac Day (Saturday 25) has begun in
// Sydney (00:30) but not in Perth (22:30 on Friday). The team's hours never meet the lead's
// window, so the email falls in the team's hours less the lead's holidays, read in its zone.
function lead(zone: string): LeadSnapshot['lead'] {
  return {
    id: `lead-${zone}`,
    name: 'Ada Lovelace',
    createdAt: '2026-04-24T14:30:00.000Z',
    timezone: zone,
    isOpen: true,
    converted: false,
    optedOut: [],
    jurisdiction: { zones: ['Australia/Perth', 'Australia/Sydney'], country: 'AU', rules: [] },
  };
}

async function firstEmails(order: readonly string[]) {
  vi.resetModules();
  const { timeline } = await import('../../src/engine/timeline.ts');
  const due: Record<string, string | undefined> = {};
  for (const zone of order) {
    due[zone] = timeline(lead(zone), researchCadence, schedule).find(
      (e) => e.channel === 'email',
    )?.dueAt;
  }
  return due;
}

describe('desk steps', () => {
  it('of two leads with the same candidate zones but their own holidays do not depend on which was planned first', async () => {
    const sydneyFirst = await firstEmails(['Australia/Sydney', 'Australia/Perth']);
    const perthFirst = await firstEmails(['Australia/Perth', 'Australia/Sydney']);
    expect(sydneyFirst).toEqual(perthFirst);
    // Perth's Friday still has team hours before its holiday; Sydney's does not.
    expect(perthFirst['Australia/Perth']).toBe('2026-04-24T14:30:00.000Z');
    expect(perthFirst['Australia/Sydney']).not.toBe('2026-04-24T14:30:00.000Z');
  });
});
