/**
 * A call or text the lead's contact hours and calling rules leave no moment for is never
 * planned "due now": the track waits, the other tracks go on, and a cadence with nothing else
 * left stops with `no_calling_window`.
 */
import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { holidayCalendar, parseHolidays } from '../../src/config/holidays.ts';
import { parseWeeklyHours } from '../../src/config/hours.ts';
import { plan } from '../../src/engine/plan.ts';
import type { CadenceTask, CallingRule, LeadSnapshot, Schedule } from '../../src/engine/types.ts';
import { unwrap } from '../support/parsed.ts';

// Contact hours in the evening, and a rule that ends calls at 18:00 (Rhode Island's weekdays).
const schedule: Schedule = {
  teamZone: 'America/New_York',
  businessHours: unwrap(parseWeeklyHours('Mon-Fri 09:00-21:00')),
  contactHours: unwrap(parseWeeklyHours('Mon-Fri 18:00-21:00')),
  isHoliday: holidayCalendar(unwrap(parseHolidays(''))),
};
const earlyRule: CallingRule = {
  code: 'RI',
  hours: unwrap(parseWeeklyHours('Mon-Fri 09:00-18:00; Sat 10:00-17:00')),
};

// Wednesday 2 December 2026, 10:00 in Providence.
const NOW = Date.parse('2026-12-02T15:00:00.000Z');

function snapshot(tasks: CadenceTask[] = []): LeadSnapshot {
  return {
    lead: {
      id: 'lead-ri',
      name: 'Ada Lovelace',
      createdAt: new Date(NOW).toISOString(),
      timezone: 'America/New_York',
      isOpen: true,
      converted: false,
      optedOut: [],
      jurisdiction: { zones: ['America/New_York'], country: 'US', rules: [earlyRule] },
    },
    tasks,
    activities: [],
  };
}

describe('a call the rules leave no moment for', () => {
  it('is not planned at all, while the first email is', () => {
    const decision = plan(snapshot(), researchCadence, NOW, schedule);
    expect(decision.create.map((d) => d.channel)).toEqual(['email']);
    expect(decision.state).toEqual({ status: 'active' });
  });

  it('stops the cadence with no_calling_window once nothing but calls is left', () => {
    // Every email step done: only the calls remain, and none has a lawful moment.
    const emails = researchCadence.steps.flatMap((step, i) =>
      step.channel === 'email'
        ? [
            {
              id: `task-${i + 1}`,
              cadenceId: researchCadence.id,
              step: i + 1,
              channel: 'email' as const,
              status: 'completed' as const,
              createdAt: new Date(NOW).toISOString(),
              dueAt: new Date(NOW).toISOString(),
              doneAt: new Date(NOW).toISOString(),
            },
          ]
        : [],
    );
    const decision = plan(snapshot(emails), researchCadence, NOW, schedule);
    expect(decision.create).toEqual([]);
    expect(decision.state).toEqual({ status: 'stopped', reason: 'no_calling_window' });
  });

  it('is planned inside the window as soon as the rule leaves one', () => {
    // Another code: the engine caches openings by rule code, which a rules file keeps unique.
    const lawful = { code: 'RI-19', hours: unwrap(parseWeeklyHours('Mon-Fri 09:00-19:00')) };
    const s = snapshot();
    const decision = plan(
      {
        ...s,
        lead: {
          ...s.lead,
          jurisdiction: { zones: ['America/New_York'], country: 'US', rules: [lawful] },
        },
      },
      researchCadence,
      NOW,
      schedule,
    );
    const call = decision.create.find((d) => d.channel === 'call');
    expect(call?.dueAt).toBe('2026-12-02T23:00:00.000Z');
  });
});

describe('an open call whose window closes for good', () => {
  it('is closed with no_calling_window rather than left due at a moment no rule allows', () => {
    const call: CadenceTask = {
      id: 'task-1',
      cadenceId: researchCadence.id,
      step: 1,
      channel: 'call',
      status: 'open',
      createdAt: new Date(NOW - 60_000).toISOString(),
      // Thursday 10:00 in Providence: lawful under the rule, outside the evening contact hours.
      dueAt: '2026-12-03T15:00:00.000Z',
    };
    const decision = plan(snapshot([call]), researchCadence, NOW, schedule);
    expect(decision.close).toEqual([{ taskId: 'task-1', reason: 'no_calling_window' }]);
    expect(decision.reschedule).toEqual([]);
    expect(decision.keep).toEqual([]);
  });
});
