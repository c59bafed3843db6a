/**
 * The "Not 30-60 minutes after the last call" line says the hours held a call past its spacing;
 * a call a rule's cap held says nothing of the hours.
 */
import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { holidayCalendar, parseHolidays } from '../../src/config/holidays.ts';
import { parseWeeklyHours } from '../../src/config/hours.ts';
import { plan } from '../../src/engine/plan.ts';
import type { CadenceTask, CallingRule, LeadSnapshot, Schedule } from '../../src/engine/types.ts';
import { unwrap } from '../support/parsed.ts';

const schedule: Schedule = {
  teamZone: 'America/New_York',
  businessHours: unwrap(parseWeeklyHours('Mon-Sun 08:00-20:00')),
  contactHours: unwrap(parseWeeklyHours('Mon-Sun 08:00-20:00')),
  isHoliday: holidayCalendar(unwrap(parseHolidays(''))),
};
// Wednesday 2 December 2026, 10:00 in New York: call 1 was made a minute ago.
const NOW = Date.parse('2026-12-02T15:00:00.000Z');

function secondCall(rules: readonly CallingRule[]) {
  const done = new Date(NOW - 60_000).toISOString();
  const call1: CadenceTask = {
    id: 'task-1',
    cadenceId: researchCadence.id,
    step: 1,
    channel: 'call',
    status: 'completed',
    createdAt: done,
    dueAt: done,
    doneAt: done,
    outcome: 'no_answer',
  };
  const snapshot: LeadSnapshot = {
    lead: {
      id: 'lead-1',
      name: 'Ada Lovelace',
      createdAt: done,
      timezone: 'America/New_York',
      isOpen: true,
      converted: false,
      optedOut: [],
      jurisdiction: { zones: ['America/New_York'], country: 'US', rules },
    },
    tasks: [call1],
    activities: [],
  };
  return plan(snapshot, researchCadence, NOW, schedule).create.find((d) => d.channel === 'call');
}

describe('a second call held past its 30-60 minutes', () => {
  it('by a cap of one call a day says nothing of the hours', () => {
    const everyDay = unwrap(parseWeeklyHours('Mon-Sun 08:00-20:00'));
    const call = secondCall([{ code: 'CAP1', hours: everyDay, maxPer24h: 1 }]);
    expect(call?.reason).toBe('state_cap:CAP1');
    expect(call?.body).not.toContain('Not 30-60 minutes');
  });

  it('within its spacing carries no such line', () => {
    const call = secondCall([]);
    expect(call?.reason).toBe('overlap');
    expect(call?.body).not.toContain('Not 30-60 minutes');
  });
});
