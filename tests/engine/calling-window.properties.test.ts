/**
 * Properties of the lead's legal window (issue 14), over arbitrary teams, lead zones, candidate
 * zones, countries, calling rules and cadences, with a fixed seed. Windows are checked by
 * independent luxon code (lead-window-check.ts), not by the engine's.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { holidayCalendar, parseHolidays } from '../../src/config/holidays.ts';
import { parseContactHours, parseWeeklyHours } from '../../src/config/hours.ts';
import { leadHolidayCalendar } from '../../src/config/schedule.ts';
import { plan } from '../../src/engine/plan.ts';
import { timeline } from '../../src/engine/timeline.ts';
import type {
  Cadence,
  CadenceStep,
  CadenceTask,
  CallingRule,
  LeadSnapshot,
  Schedule,
} from '../../src/engine/types.ts';
import { loadCallingRules } from '../../src/rules/calling-rules.ts';
import { unwrap } from '../support/parsed.ts';
import { outsideLeadWindow } from './lead-window-check.ts';

const SEED = 20_261_202;
const RUNS = 120;
/** Runs per shipped state row in the property that tries each row on its own. */
const RUNS_PER_ROW = 25;
const DAY = 86_400_000;
const TIMEOUT = 60_000;

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Australia/Perth',
  'America/Sao_Paulo',
  'Asia/Kathmandu',
] as const;

const shipped = unwrap(loadCallingRules());
/**
 * The shipped rules, a tight one (one call a day, 10:00-16:00 on weekdays) and one with a
 * 30-day cap lower than the calls of a cadence (two calls in 30 days, weekday mornings).
 */
const RULES: readonly CallingRule[] = [
  ...shipped.values(),
  { code: 'T1', hours: unwrap(parseWeeklyHours('Mon-Fri 10:00-16:00')), maxPer24h: 1 },
  { code: 'T2', hours: unwrap(parseWeeklyHours('Mon-Fri 08:00-12:00')), maxPer30Days: 2 },
];

const leadArb = fc.record({
  createdAt: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }),
  zones: fc.uniqueArray(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 3 }),
  country: fc.option(fc.constantFrom('US', 'DE', 'JP', 'AU', 'BR'), { nil: undefined }),
  rules: fc.subarray([...RULES], { maxLength: 3 }),
});

const scheduleArb = fc.record({
  teamZone: fc.constantFrom(...ZONES),
  hours: fc.constantFrom('Mon-Fri 09:00-17:00', 'Mon-Thu 08:00-18:00; Fri 08:00-14:00'),
  contact: fc.constantFrom(
    'Mon-Fri 08:00-20:00',
    '08:00-20:00',
    'Mon-Sat 09:00-18:00; Sun 12:00-14:00',
    '00:00-24:00',
  ),
  holidays: fc.constantFrom('', 'US', 'DE-BY', 'JP'),
  leadHolidays: fc.boolean(),
});

/** Cadences heavy in calls and texts a few minutes apart, so caps and windows bind. */
const cadenceArb: fc.Arbitrary<Cadence> = fc.oneof(
  fc.constant(researchCadence),
  fc
    .array(
      fc.record({
        channel: fc.constantFrom('call', 'sms', 'call', 'email'),
        min: fc.integer({ min: 0, max: 180 }),
        day: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 9 },
    )
    .map((steps) => ({
      id: 'calls',
      steps: steps.map(
        ({ channel, min, day }): CadenceStep => ({
          channel,
          priority: 'medium',
          guidance: 'Go.',
          ...(day === undefined ? { afterMinutes: { min, max: min + 30 } } : { day }),
        }),
      ),
    })),
);

type LeadSpec = Omit<typeof leadArb extends fc.Arbitrary<infer T> ? T : never, 'country'> & {
  country: string | undefined;
};
type ScheduleSpec = typeof scheduleArb extends fc.Arbitrary<infer T> ? T : never;

function buildSchedule(spec: ScheduleSpec): Schedule {
  return {
    teamZone: spec.teamZone,
    businessHours: unwrap(parseWeeklyHours(spec.hours)),
    contactHours: unwrap(parseContactHours(spec.contact)),
    isHoliday: holidayCalendar(unwrap(parseHolidays(spec.holidays))),
    ...(spec.leadHolidays ? { leadHolidays: leadHolidayCalendar() } : {}),
  };
}

function buildLead(spec: LeadSpec): LeadSnapshot['lead'] {
  return {
    id: 'lead-w',
    name: 'Win Dow',
    createdAt: new Date(spec.createdAt).toISOString(),
    timezone: spec.zones[0] ?? 'UTC',
    isOpen: true,
    converted: false,
    optedOut: [],
    jurisdiction: {
      zones: spec.zones,
      ...(spec.country === undefined ? {} : { country: spec.country }),
      rules: spec.rules,
    },
  };
}

const hard = (channel: string) => channel === 'call' || channel === 'sms';

/**
 * The lead as its window is read: every candidate zone while they share some moment in the
 * two weeks after arrival (sampled hourly: a missed overlap only narrows the check to the
 * lead's own zone, which holds either way), else its own zone alone (the "most
 * populous candidate" fallback).
 */
function windowLead(lead: LeadSnapshot['lead'], schedule: Schedule): LeadSnapshot['lead'] {
  const j = lead.jurisdiction;
  if (!j || j.zones.length < 2) return lead;
  const start = Date.parse(lead.createdAt);
  for (let at = start; at < start + 14 * DAY; at += DAY / 24) {
    if (outsideLeadWindow(at, lead, schedule) === undefined) return lead;
  }
  return { ...lead, jurisdiction: { ...j, zones: [lead.timezone] } };
}
const options = { seed: SEED, numRuns: RUNS } as const;
const arb = fc.tuple(leadArb, scheduleArb, cadenceArb);

/** Every call and text of the timeline lies in the lead's window, by the independent check. */
function staysInWindow([leadSpec, scheduleSpec, cadence]: [LeadSpec, ScheduleSpec, Cadence]) {
  const lead = buildLead(leadSpec);
  const schedule = buildSchedule(scheduleSpec);
  const read = windowLead(lead, schedule);
  for (const e of timeline(lead, cadence, schedule).filter((x) => hard(x.channel))) {
    for (const at of [e.reminderAt, e.dueAt]) {
      expect(outsideLeadWindow(Date.parse(at), read, schedule), `${e.step} ${at}`).toBe(undefined);
    }
  }
}

describe('the lead’s legal window', { timeout: TIMEOUT }, () => {
  it('never puts a call or text outside the lead’s window, days, holidays and rules, in any candidate zone', () => {
    fc.assert(fc.property(arb, staysInWindow), options);
  });

  it('holds every shipped row: a state (or any state) with the federal rule, a country alone', () => {
    const federal = shipped.get('US');
    if (!federal) throw new Error('the rules file has no federal row');
    for (const [jurisdiction, rule] of shipped) {
      if (jurisdiction === 'US') continue;
      const [country = ''] = jurisdiction.split('-');
      const rules = country === 'US' ? [federal, rule] : [rule];
      const lead = leadArb.map((l): LeadSpec => ({ ...l, country, rules }));
      fc.assert(fc.property(fc.tuple(lead, scheduleArb, cadenceArb), staysInWindow), {
        seed: SEED,
        numRuns: RUNS_PER_ROW,
      });
    }
  });

  it('makes at most N calls and texts in any rolling 24 hours or 30 days where a rule caps them', () => {
    fc.assert(
      fc.property(arb, ([leadSpec, scheduleSpec, cadence]) => {
        const lead = buildLead(leadSpec);
        const entries = timeline(lead, cadence, buildSchedule(scheduleSpec));
        const dues = entries.filter((e) => hard(e.channel)).map((e) => Date.parse(e.dueAt));
        for (const [field, period] of [
          ['maxPer24h', DAY],
          ['maxPer30Days', 30 * DAY],
        ] as const) {
          const cap = Math.min(...leadSpec.rules.map((r) => r[field] ?? Number.POSITIVE_INFINITY));
          for (const due of dues) {
            const within = dues.filter((d) => d > due - period && d <= due).length;
            expect(within, `${field} ${new Date(due).toISOString()}`).toBeLessThanOrEqual(cap);
          }
        }
      }),
      options,
    );
  });

  it('puts a task on a team holiday only when the lead’s window meets no working day, and says so', () => {
    fc.assert(
      fc.property(arb, ([leadSpec, scheduleSpec, cadence]) => {
        const schedule = buildSchedule(scheduleSpec);
        for (const e of timeline(buildLead(leadSpec), cadence, schedule)) {
          const date = DateTime.fromISO(e.reminderAt, { zone: schedule.teamZone }).toISODate();
          if (!schedule.isHoliday(date ?? '')) continue;
          expect(hard(e.channel), `${e.channel} on team holiday ${date}`).toBe(true);
          expect(e.body).toMatch(/^Outside your hours: /);
        }
      }),
      options,
    );
  });
});

describe('titles count completed attempts only', { timeout: TIMEOUT }, () => {
  const statusArb = fc.array(fc.constantFrom('completed', 'closed', 'none'), {
    minLength: 11,
    maxLength: 11,
  });

  it('numbers the next call and email by the steps of the channel completed so far', () => {
    fc.assert(
      fc.property(leadArb, statusArb, (leadSpec, statuses) => {
        const lead = buildLead(leadSpec);
        const at = lead.createdAt;
        const tasks: CadenceTask[] = statuses.flatMap((status, i) =>
          status === 'none'
            ? []
            : [
                {
                  id: `t${i}`,
                  cadenceId: researchCadence.id,
                  step: i + 1,
                  channel: researchCadence.steps[i]?.channel ?? 'call',
                  status: status as 'completed' | 'closed',
                  createdAt: at,
                  dueAt: at,
                  doneAt: at,
                  ...(status === 'completed' ? { outcome: 'no_answer' as const } : {}),
                },
              ],
        );
        const schedule = buildSchedule({
          teamZone: 'Europe/Berlin',
          hours: 'Mon-Fri 09:00-17:00',
          contact: '00:00-24:00',
          holidays: '',
          leadHolidays: false,
        });
        const now = Date.parse(at) + DAY;
        for (const draft of plan({ lead, tasks, activities: [] }, researchCadence, now, schedule)
          .create) {
          const made = tasks.filter((t) => t.channel === draft.channel && t.status === 'completed');
          const nth = Number(/^\S+ (\d+) of/.exec(draft.title)?.[1]);
          expect(nth, draft.title).toBe(made.length + 1);
        }
      }),
      options,
    );
  });
});
