import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { holidayCalendar, parseHolidays } from '../../src/config/holidays.ts';
import { parseRange, parseWeeklyHours } from '../../src/config/hours.ts';
import { leadPlace } from '../../src/engine/lead-window.ts';
import { plan } from '../../src/engine/plan.ts';
import { nextOpening } from '../../src/engine/schedule.ts';
import { timeline } from '../../src/engine/timeline.ts';
import {
  type Cadence,
  type CadenceStep,
  type CadenceTask,
  CHANNELS,
  type Channel,
  type Decision,
  type LeadSnapshot,
  type MinuteRange,
  type Outcome,
  PRIORITIES,
  type Schedule,
  type TaskDraft,
} from '../../src/engine/types.ts';
import { unwrap } from '../support/parsed.ts';
import { hhmm, outsideLeadWindow, wallInstants } from './lead-window-check.ts';

const MINUTE = 60_000;
const SEED = 20_260_414;
// Modest run counts keep the file at a few seconds: a schedule whose hours never meet the
// lead's contact window costs two year-long searches per opening.
const RUNS = 150;
const RUNS_RANDOM_CADENCE = 100;
const RUNS_TIMELINE = 50;
/** The first property of a block pays for the shared simulation; slow machines need room. */
const PROPERTY_TIMEOUT = 60_000;

/** DST zones of both hemispheres, a zone whose DST change skips midnight, and odd offsets. */
const ZONES = [
  'UTC',
  'America/New_York',
  'America/Los_Angeles',
  'America/Santiago',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Adelaide',
  'Pacific/Auckland',
] as const;

const REGIONS = ['US', 'DE-BY', 'GB', 'IN', 'AU-SA', 'JP', 'NZ'] as const;
const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const PROGRESS_OUTCOMES: readonly Outcome[] = ['no_answer', 'voicemail', 'busy', 'sent'];

// ---------------------------------------------------------------------------------------------
// Arbitraries

const anyRange = fc
  .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 }))
  .map(([start, length]) => `${hhmm(start)}-${hhmm(Math.min(1440, start + length))}`);

/** One or two ranges of a day, as `HH:MM-HH:MM[,HH:MM-HH:MM]`. */
const dayRanges = fc.oneof(
  anyRange,
  fc
    .uniqueArray(fc.integer({ min: 0, max: 1440 }), { minLength: 4, maxLength: 4 })
    .map((points) => {
      const [a = 0, b = 0, c = 0, d = 0] = [...points].sort((x, y) => x - y);
      return `${hhmm(a)}-${hhmm(b)},${hhmm(c)}-${hhmm(d)}`;
    }),
);

const weeklyHoursText = fc.oneof(
  fc.constantFrom(
    'Mon-Fri 09:00-17:00',
    'Mon-Fri 08:30-12:00,13:00-17:30',
    'Mon-Thu 08:00-18:00; Fri 08:00-14:00',
    'Mon-Sun 00:00-24:00',
    'Tue,Thu 10:00-11:00',
    'Sat-Sun 09:00-13:00',
  ),
  fc
    .array(fc.option(dayRanges, { nil: undefined, freq: 2 }), { minLength: 7, maxLength: 7 })
    .filter((days) => days.some((d) => d !== undefined))
    .map((days) =>
      days.flatMap((ranges, i) => (ranges ? [`${WEEKDAY_NAMES[i]} ${ranges}`] : [])).join('; '),
    ),
);

const contactText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('08:00-20:00', '00:00-24:00', '09:00-17:00') },
  { weight: 1, arbitrary: fc.constantFrom('07:00-08:00', '18:00-24:00') },
  { weight: 1, arbitrary: anyRange },
);

const holidaysArb = fc.record({
  regions: fc.subarray([...REGIONS], { maxLength: 2 }),
  /** Extra dates off, in days after the lead arrives (team zone). */
  offsets: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }),
});

const createdAtArb = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 11, 31, 23, 59) });

type MoveKind = 'complete' | 'wait' | 'optOut';

interface Move {
  readonly kind: MoveKind;
  readonly pick: number;
  /** Minutes after now (or after the task's due time when `fromDue`). */
  readonly delay: number;
  readonly fromDue: boolean;
  readonly outcome: Outcome;
  readonly channel: Channel;
}

const moveArb: fc.Arbitrary<Move> = fc.record({
  kind: fc.oneof(
    { weight: 16, arbitrary: fc.constant<MoveKind>('complete') },
    { weight: 2, arbitrary: fc.constant<MoveKind>('wait') },
    { weight: 1, arbitrary: fc.constant<MoveKind>('optOut') },
  ),
  pick: fc.nat(),
  delay: fc.oneof(fc.integer({ min: 0, max: 180 }), fc.integer({ min: 0, max: 60 * 24 * 10 })),
  fromDue: fc.boolean(),
  outcome: fc.constantFrom(...PROGRESS_OUTCOMES),
  channel: fc.constantFrom(...CHANNELS),
});

const randomStep: fc.Arbitrary<CadenceStep> = fc
  .record({
    channel: fc.constantFrom(...CHANNELS),
    timing: fc.oneof(
      fc.integer({ min: 1, max: 30 }).map((day) => ({ day })),
      fc
        .tuple(fc.integer({ min: 0, max: 24 * 60 }), fc.integer({ min: 0, max: 8 * 60 }))
        .map(([min, extra]) => ({ afterMinutes: { min, max: min + extra } })),
    ),
    priority: fc.constantFrom(...PRIORITIES),
  })
  .map(({ channel, timing, priority }) => ({
    channel,
    priority,
    guidance: `Do the ${channel} step.`,
    ...timing,
  }));

const randomCadence: fc.Arbitrary<Cadence> = fc
  .array(randomStep, { minLength: 1, maxLength: 12 })
  .map((steps) => ({ id: 'random-cadence', steps }));

interface ScheduleSpec {
  readonly teamZone: string;
  readonly hours: string;
  readonly contact: string;
  readonly holidays: { readonly regions: readonly string[]; readonly offsets: readonly number[] };
}

interface Scenario {
  readonly createdAt: number;
  readonly leadZone: string;
  readonly schedule: ScheduleSpec;
  readonly moves: readonly Move[];
}

const scheduleSpecArb: fc.Arbitrary<ScheduleSpec> = fc.record({
  teamZone: fc.constantFrom(...ZONES),
  hours: weeklyHoursText,
  contact: contactText,
  holidays: holidaysArb,
});

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    createdAt: createdAtArb,
    leadZone: fc.constantFrom(...ZONES),
    sameZone: fc.boolean(),
    schedule: scheduleSpecArb,
    moves: fc.array(moveArb, { minLength: 1, maxLength: 24 }),
  })
  .map(({ sameZone, leadZone, schedule, ...rest }) => ({
    ...rest,
    schedule,
    // Half of the leads live in the team's zone, the rest anywhere.
    leadZone: sameZone ? schedule.teamZone : leadZone,
  }));

// ---------------------------------------------------------------------------------------------
// Building inputs through the real parsers and holiday data

/** `YYYY-MM-DD` plus `days` calendar days. */
function addDays(isoDate: string, days: number): string {
  return DateTime.fromISO(isoDate, { zone: 'UTC' }).plus({ days }).toISODate() ?? '';
}

function buildSchedule(spec: ScheduleSpec, createdAt: number): Schedule {
  const arrival = DateTime.fromMillis(createdAt, { zone: spec.teamZone }).toISODate() ?? '';
  const items = [
    ...spec.holidays.regions,
    ...spec.holidays.offsets.map((d) => addDays(arrival, d)),
  ];
  return {
    teamZone: spec.teamZone,
    businessHours: unwrap(parseWeeklyHours(spec.hours)),
    contactHours: unwrap(parseRange(spec.contact)),
    isHoliday: holidayCalendar(unwrap(parseHolidays(items.join(',')))),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Simulation: plan, apply, do some work, plan again

interface Round {
  readonly now: number;
  readonly before: readonly CadenceTask[];
  readonly snapshot: LeadSnapshot;
  readonly decision: Decision;
  readonly after: readonly CadenceTask[];
}

interface Run {
  readonly schedule: Schedule;
  readonly lead: LeadSnapshot['lead'];
  readonly rounds: readonly Round[];
}

function applyDecision(
  tasks: readonly CadenceTask[],
  decision: Decision,
  now: number,
  ids: { next: number },
): CadenceTask[] {
  const closing = new Set(decision.close.map((c) => c.taskId));
  const result: CadenceTask[] = tasks.map((t) =>
    closing.has(t.id) ? { ...t, status: 'closed', doneAt: iso(now) } : t,
  );
  for (const d of decision.create) {
    ids.next += 1;
    result.push({
      id: `${d.stepKey}#${ids.next}`,
      cadenceId: d.cadenceId,
      step: d.step,
      channel: d.channel,
      status: 'open',
      createdAt: iso(now),
      dueAt: d.dueAt,
    });
  }
  return result;
}

const simulated = new Map<string, Run>();

/**
 * Every property below draws the same scenarios (same seed, same arbitrary), so each one is
 * simulated once and the runs are shared; checks only read them.
 */
function simulate(scenario: Scenario, cadence: Cadence): Run {
  const key = JSON.stringify([scenario, cadence]);
  let run = simulated.get(key);
  if (!run) {
    run = simulateOnce(scenario, cadence);
    simulated.set(key, run);
  }
  return run;
}

function simulateOnce(scenario: Scenario, cadence: Cadence): Run {
  const schedule = buildSchedule(scenario.schedule, scenario.createdAt);
  let lead: LeadSnapshot['lead'] = {
    id: 'lead-p',
    name: 'Pat Doe',
    createdAt: iso(scenario.createdAt),
    timezone: scenario.leadZone,
    isOpen: true,
    converted: false,
    optedOut: [],
  };
  const ids = { next: 0 };
  const rounds: Round[] = [];
  let tasks: CadenceTask[] = [];
  let now = scenario.createdAt;
  for (const move of scenario.moves) {
    const snapshot: LeadSnapshot = { lead, tasks, activities: [] };
    const decision = plan(snapshot, cadence, now, schedule);
    const after = applyDecision(tasks, decision, now, ids);
    rounds.push({ now, before: tasks, snapshot, decision, after });
    tasks = after;
    const open = tasks.filter((t) => t.status === 'open');
    if (open.length === 0) break;
    if (move.kind === 'optOut') {
      if (!lead.optedOut.includes(move.channel)) {
        lead = { ...lead, optedOut: [...lead.optedOut, move.channel] };
      }
      continue;
    }
    if (move.kind === 'wait') {
      now += move.delay * MINUTE;
      continue;
    }
    const target = open[move.pick % open.length] as CadenceTask;
    const base = move.fromDue ? Math.max(now, Date.parse(target.dueAt)) : now;
    const finished = base + move.delay * MINUTE;
    tasks = tasks.map((t) =>
      t === target
        ? { ...t, status: 'completed', doneAt: iso(finished), outcome: move.outcome }
        : t,
    );
    now = finished;
  }
  return { schedule, lead, rounds };
}

// ---------------------------------------------------------------------------------------------
// Independent checks

/** Midnight at the start of the local calendar date `isoDate` (or the first instant of it). */
function startOfDate(isoDate: string, zone: string): number {
  return DateTime.fromISO(isoDate, { zone }).toMillis();
}

function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate() ?? '';
}

/** The team business-hours range containing `at`, computed from the calendar date, or undefined. */
function businessRangeAt(at: number, schedule: Schedule): [number, number] | undefined {
  const zone = schedule.teamZone;
  const local = DateTime.fromMillis(at, { zone });
  const date = local.toISODate() ?? '';
  if (schedule.isHoliday(date)) return undefined;
  const ranges: readonly MinuteRange[] = schedule.businessHours[local.weekday] ?? [];
  for (const r of ranges) {
    // Where a wall time happens twice, either reading of the range is accepted.
    const start = Math.min(...wallInstants(date, r.start, zone));
    const end = Math.max(...wallInstants(date, r.end, zone));
    if (start <= at && at < end) return [start, end];
  }
  return undefined;
}

const isHard = (channel: Channel) => channel === 'call' || channel === 'sms';

function expectInsideWindows(
  draft: TaskDraft,
  lead: LeadSnapshot['lead'],
  schedule: Schedule,
): void {
  const reminder = Date.parse(draft.reminderAt);
  const due = Date.parse(draft.dueAt);
  const hard = isHard(draft.channel);
  const opening = nextOpening(reminder, leadPlace(lead), schedule, hard);
  expect(opening.start, `reminderAt ${draft.reminderAt} is an open moment`).toBe(reminder);
  expect(due, `dueAt ${draft.dueAt} not before reminderAt`).toBeGreaterThanOrEqual(reminder);
  expect(due, `dueAt ${draft.dueAt} before the opening ends at ${iso(opening.end)}`).toBeLessThan(
    opening.end,
  );
  if (hard) {
    // Independently of the engine: a call or text is always inside the lead's legal window.
    expect(outsideLeadWindow(reminder, lead, schedule), draft.reminderAt).toBeUndefined();
    expect(outsideLeadWindow(due, lead, schedule), draft.dueAt).toBeUndefined();
  }
  // Only a call or text whose window never meets the team's hours leaves them, and says so.
  if (draft.reason === 'lead_window_only') {
    expect(hard).toBe(true);
    expect(draft.body).toMatch(/^Outside your hours: /);
    return;
  }
  // Independently of the engine: both lie in one business-hours range of a working team day.
  const range = businessRangeAt(reminder, schedule);
  expect(range, `reminderAt ${draft.reminderAt} in the team's business hours`).toBeDefined();
  if (range) {
    expect(due, `dueAt ${draft.dueAt} in the same business-hours range`).toBeLessThan(range[1]);
  }
}

/** The previous step of the channel, as the engine sees it: the furthest step completed. */
function previousOf(tasks: readonly CadenceTask[], channel: Channel): CadenceTask | undefined {
  return tasks
    .filter((t) => t.channel === channel && t.status === 'completed')
    .sort((a, b) => b.step - a.step)[0];
}

function doneMillis(task: CadenceTask): number {
  return Date.parse(task.doneAt ?? task.dueAt);
}

function expectTimingRules(draft: TaskDraft, cadence: Cadence, round: Round, run: Run): void {
  const step = cadence.steps[draft.step - 1] as CadenceStep;
  const zone = run.lead.timezone;
  const created = Date.parse(run.lead.createdAt);
  const reminder = Date.parse(draft.reminderAt);
  const due = Date.parse(draft.dueAt);
  const previous = previousOf(round.before, draft.channel);
  const previousDone = previous ? doneMillis(previous) : undefined;
  expect(reminder, 'never due before now').toBeGreaterThanOrEqual(round.now);
  if (step.afterMinutes) {
    const base = (previousDone ?? created) + step.afterMinutes.min * MINUTE;
    const from = Math.max(base, round.now);
    const opening = nextOpening(from, leadPlace(run.lead), run.schedule, isHard(draft.channel));
    expect(reminder, 'the first opening at or after previous + min').toBe(opening.start);
    const span = (step.afterMinutes.max - step.afterMinutes.min) * MINUTE;
    expect(due).toBe(Math.max(reminder, Math.min(reminder + span, opening.end - MINUTE)));
    return;
  }
  const day = step.day ?? 1;
  expect(due).toBe(reminder);
  const dayN = addDays(localDate(created, zone), day - 1);
  expect(localDate(reminder, zone) >= dayN, `on or after the lead's day ${day}`).toBe(true);
  expect(reminder).toBeGreaterThanOrEqual(created);
  let earliest = Math.max(startOfDate(dayN, zone), created, round.now);
  if (day > 1 && previousDone !== undefined) {
    const previousDay = localDate(previousDone, zone);
    expect(localDate(reminder, zone) > previousDay, 'not on the day of the previous step').toBe(
      true,
    );
    earliest = Math.max(earliest, startOfDate(addDays(previousDay, 1), zone));
  }
  expect(reminder, 'the first opening from the earliest allowed moment').toBe(
    nextOpening(earliest, leadPlace(run.lead), run.schedule, isHard(draft.channel)).start,
  );
}

function expectStepsAtMostOnce(run: Run, cadence: Cadence): void {
  const created = run.rounds.flatMap((r) => r.decision.create.map((d) => d.step));
  expect(created.length).toBeLessThanOrEqual(cadence.steps.length);
  expect(new Set(created).size, `steps created: ${created.join(',')}`).toBe(created.length);
  for (const step of created) {
    expect(step).toBeGreaterThanOrEqual(1);
    expect(step).toBeLessThanOrEqual(cadence.steps.length);
  }
  for (const round of run.rounds) {
    for (const d of round.decision.create) {
      expect(d.channel).toBe(cadence.steps[d.step - 1]?.channel);
    }
  }
}

function expectOneOpenPerChannel(run: Run): void {
  for (const round of run.rounds) {
    const open = round.after.filter((t) => t.status === 'open').map((t) => t.channel);
    expect(new Set(open).size, `open channels: ${open.join(',')}`).toBe(open.length);
  }
}

const replans = new WeakMap<Round, Decision>();

/** The decision of planning again at the same moment once the round's decision was applied. */
function replan(round: Round, run: Run, cadence: Cadence): Decision {
  let again = replans.get(round);
  if (!again) {
    again = plan({ ...round.snapshot, tasks: round.after }, cadence, round.now, run.schedule);
    replans.set(round, again);
  }
  return again;
}

function expectIdempotent(run: Run, cadence: Cadence): void {
  for (const round of run.rounds) {
    const again = replan(round, run, cadence);
    expect(again.create).toEqual([]);
    expect(again.close).toEqual([]);
  }
}

function expectStableState(run: Run, cadence: Cadence): void {
  for (const round of run.rounds) {
    const again = replan(round, run, cadence);
    expect(again.state).toEqual(round.decision.state);
  }
}

function expectEveryOpenTaskAccountedFor(run: Run): void {
  for (const round of run.rounds) {
    const open = round.before.filter((t) => t.status === 'open').map((t) => t.id);
    const handled = [...round.decision.keep, ...round.decision.close.map((c) => c.taskId)];
    expect([...handled].sort()).toEqual([...open].sort());
  }
}

const options = { seed: SEED, numRuns: RUNS } as const;
const randomOptions = { seed: SEED, numRuns: RUNS_RANDOM_CADENCE } as const;

// ---------------------------------------------------------------------------------------------

describe('plan over arbitrary leads, zones, hours, holidays and progress (research cadence)', {
  timeout: PROPERTY_TIMEOUT,
}, () => {
  it('puts every reminder at an open moment and every due time inside the same opening', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const run = simulate(scenario, researchCadence);
        for (const round of run.rounds) {
          for (const draft of round.decision.create) {
            expectInsideWindows(draft, run.lead, run.schedule);
          }
        }
      }),
      options,
    );
  });

  it('times day-N and delay steps by the cadence rules: day N, never before now, never on the previous step’s day', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const run = simulate(scenario, researchCadence);
        for (const round of run.rounds) {
          for (const draft of round.decision.create) {
            expectTimingRules(draft, researchCadence, round, run);
          }
        }
      }),
      options,
    );
  });

  it('never creates more tasks than the cadence has steps, nor any step twice', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        expectStepsAtMostOnce(simulate(scenario, researchCadence), researchCadence);
      }),
      options,
    );
  });

  it('never leaves more than one open task per channel', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        expectOneOpenPerChannel(simulate(scenario, researchCadence));
      }),
      options,
    );
  });

  it('gives the same decision for the same inputs', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const run = simulate(scenario, researchCadence);
        // Built anew, with a cold holiday cache where the first run had a warm one.
        const fresh = buildSchedule(scenario.schedule, scenario.createdAt);
        for (const round of run.rounds) {
          expect(plan(round.snapshot, researchCadence, round.now, fresh)).toEqual(round.decision);
        }
      }),
      options,
    );
  });

  it('creates and closes nothing when planned again at the same moment after its decision was applied', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        expectIdempotent(simulate(scenario, researchCadence), researchCadence);
      }),
      options,
    );
  });

  it('either keeps or closes each open task, exactly once', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        expectEveryOpenTaskAccountedFor(simulate(scenario, researchCadence));
      }),
      options,
    );
  });
});

describe('plan over random valid cadences', { timeout: PROPERTY_TIMEOUT }, () => {
  const arb = fc.tuple(scenarioArb, randomCadence);

  it('never creates a step twice nor more tasks than steps', () => {
    fc.assert(
      fc.property(arb, ([scenario, cadence]) => {
        expectStepsAtMostOnce(simulate(scenario, cadence), cadence);
      }),
      randomOptions,
    );
  });

  it('never leaves more than one open task per channel', () => {
    fc.assert(
      fc.property(arb, ([scenario, cadence]) => {
        expectOneOpenPerChannel(simulate(scenario, cadence));
      }),
      randomOptions,
    );
  });

  it('is idempotent once its decision is applied', () => {
    fc.assert(
      fc.property(arb, ([scenario, cadence]) => {
        expectIdempotent(simulate(scenario, cadence), cadence);
      }),
      randomOptions,
    );
  });

  it('reports the same cadence state when planned again after its decision was applied', () => {
    fc.assert(
      fc.property(arb, ([scenario, cadence]) => {
        expectStableState(simulate(scenario, cadence), cadence);
      }),
      randomOptions,
    );
  });

  it('keeps reminders and due times inside the allowed windows', () => {
    fc.assert(
      fc.property(arb, ([scenario, cadence]) => {
        const run = simulate(scenario, cadence);
        for (const round of run.rounds) {
          for (const draft of round.decision.create) {
            expectInsideWindows(draft, run.lead, run.schedule);
            expectTimingRules(draft, cadence, round, run);
          }
        }
      }),
      randomOptions,
    );
  });
});

describe('timeline over arbitrary leads and schedules', { timeout: PROPERTY_TIMEOUT }, () => {
  it('lists every step of the research cadence once, in step order, inside the allowed windows', () => {
    fc.assert(
      fc.property(
        createdAtArb,
        fc.constantFrom(...ZONES),
        scheduleSpecArb,
        (createdAt, zone, spec) => {
          const schedule = buildSchedule(spec, createdAt);
          const lead: LeadSnapshot['lead'] = {
            id: 'lead-t',
            name: 'Tim Line',
            createdAt: iso(createdAt),
            timezone: zone,
            isOpen: true,
            converted: false,
            optedOut: [],
          };
          const entries = timeline(lead, researchCadence, schedule);
          expect(entries.map((e) => e.step)).toEqual(researchCadence.steps.map((_, i) => i + 1));
          for (const e of entries) {
            expectInsideWindows({ ...e, stepKey: '', cadenceId: '' }, lead, schedule);
          }
          // Steps of one channel come in order in time.
          for (const channel of CHANNELS) {
            const dues = entries.filter((e) => e.channel === channel).map((e) => e.reminderAt);
            expect(dues).toEqual([...dues].sort());
          }
        },
      ),
      { seed: SEED, numRuns: RUNS_TIMELINE },
    );
  });
});
