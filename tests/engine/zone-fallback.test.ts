/**
 * Candidate zones that never share a calling stretch: the engine keeps the lead's own zone and
 * every other candidate that still shares one with it, rather than the lead's zone alone.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { holidayCalendar, parseHolidays } from '../../src/config/holidays.ts';
import { parseRange, parseWeeklyHours } from '../../src/config/hours.ts';
import { timeline } from '../../src/engine/timeline.ts';
import type { LeadSnapshot, Schedule } from '../../src/engine/types.ts';
import { unwrap } from '../support/parsed.ts';

const schedule: Schedule = {
  teamZone: 'America/New_York',
  businessHours: unwrap(parseWeeklyHours('Mon-Fri 09:00-17:00')),
  contactHours: unwrap(parseRange('09:00-17:00')),
  isHoliday: holidayCalendar(unwrap(parseHolidays(''))),
};

// Tuesday 13 April 2027, 09:00 in New York: the lead may be in New York, Los Angeles or Tokyo.
// Tokyo's 09:00-17:00 never meets New York's; Los Angeles' meets it from 12:00 New York time.
const lead: LeadSnapshot['lead'] = {
  id: 'lead-1',
  name: 'Ada Lovelace',
  createdAt: '2027-04-13T13:00:00.000Z',
  timezone: 'America/New_York',
  isOpen: true,
  converted: false,
  optedOut: [],
  jurisdiction: { zones: ['America/Los_Angeles', 'America/New_York', 'Asia/Tokyo'], rules: [] },
};

describe('candidate zones whose windows never all meet', () => {
  it('are called when it is calling time in the lead’s zone and in every other zone that meets it', () => {
    const calls = timeline(lead, researchCadence, schedule).filter((e) => e.channel === 'call');
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const la = DateTime.fromISO(call.reminderAt, { zone: 'America/Los_Angeles' });
      const ny = DateTime.fromISO(call.dueAt, { zone: 'America/New_York' });
      expect(la.hour, call.reminderAt).toBeGreaterThanOrEqual(9);
      expect(ny.hour * 60 + ny.minute, call.dueAt).toBeLessThan(17 * 60);
    }
    // The first call waits for 09:00 in Los Angeles, 12:00 in New York: not 09:00 New York.
    expect(DateTime.fromISO(calls[0]?.reminderAt ?? '', { zone: 'America/New_York' }).hour).toBe(
      12,
    );
  });
});
