/**
 * Logged attempts (issue 17) under redelivery and reordering: whatever order a CRM announces
 * logged calls and emails in, and however often, one attempt completes at most one step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { parseWeeklyHours } from '../../src/config/hours.ts';
import { activityKey } from '../../src/engine/attempts.ts';
import { plan } from '../../src/engine/plan.ts';
import type {
  Activity,
  Cadence,
  CadenceTask,
  Decision,
  LeadSnapshot,
  Outcome,
  Schedule,
} from '../../src/engine/types.ts';

const SEED = 20_261_202;
const MINUTE = 60_000;
const CREATED = Date.parse('2026-11-24T15:00:00.000Z');

function hours(text: string) {
  const parsed = parseWeeklyHours(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const SCHEDULES: Schedule[] = [
  {
    teamZone: 'America/New_York',
    businessHours: hours('Mon-Sun 00:00-24:00'),
    contactHours: { start: 0, end: 1440 },
    isHoliday: () => false,
  },
  {
    teamZone: 'America/New_York',
    businessHours: hours('Mon-Fri 09:00-17:00'),
    contactHours: hours('Mon-Fri 08:00-20:00'),
    isHoliday: () => false,
    loggedAttemptLeadMinutes: 0,
  },
  {
    teamZone: 'UTC',
    businessHours: hours('Mon-Sun 00:00-24:00'),
    contactHours: { start: 0, end: 1440 },
    isHoliday: () => false,
    loggedAttemptLeadMinutes: 120,
  },
];

/** Calls back to back: only the record of a spent attempt keeps it from doing the next step. */
const BACK_TO_BACK: Cadence = {
  id: 'back-to-back',
  steps: [
    { channel: 'call', day: 1, priority: 'high', guidance: 'Call.' },
    ...[2, 3, 4].map(() => ({
      channel: 'call' as const,
      afterMinutes: { min: 0, max: 10 },
      priority: 'medium' as const,
      guidance: 'Call again.',
    })),
    { channel: 'email', day: 1, priority: 'medium', guidance: 'Email.' },
    { channel: 'email', afterMinutes: { min: 0, max: 5 }, priority: 'low', guidance: 'Again.' },
  ],
};

const lead: LeadSnapshot['lead'] = {
  id: 'lead-1',
  name: 'Ada',
  createdAt: new Date(CREATED).toISOString(),
  timezone: 'America/New_York',
  isOpen: true,
  converted: false,
  optedOut: [],
};

const ATTEMPT_OUTCOMES: Record<'call' | 'email', Outcome[]> = {
  call: ['no_answer', 'voicemail', 'busy'],
  email: ['sent'],
};

/** Logged calls and emails over the lead's first three days; some share an instant. */
const activities = fc
  .array(
    fc.record({
      channel: fc.constantFrom('call' as const, 'email' as const),
      minutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      pick: fc.nat(),
      withId: fc.boolean(),
    }),
    { minLength: 1, maxLength: 10 },
  )
  .map((drawn) =>
    drawn.map(({ channel, minutes, pick, withId }, i): Activity => {
      const outcomes = ATTEMPT_OUTCOMES[channel];
      const at = new Date(CREATED + minutes * MINUTE).toISOString();
      const outcome = outcomes[pick % outcomes.length] as Outcome;
      return withId ? { id: `act-${i}`, channel, at, outcome } : { channel, at, outcome };
    }),
  );

/**
 * The order the CRM announces them in: any order (a dialer syncs late, a webhook is retried
 * later), each announced once or twice.
 */
const scenario = activities.chain((logged) =>
  fc.record({
    logged: fc.constant(logged),
    order: fc.shuffledSubarray(
      logged.map((_, i) => i),
      { minLength: logged.length, maxLength: logged.length },
    ),
    repeats: fc.array(fc.boolean(), { minLength: logged.length, maxLength: logged.length }),
    schedule: fc.constantFrom(...SCHEDULES),
    cadence: fc.constantFrom(researchCadence, BACK_TO_BACK),
    lagMinutes: fc.integer({ min: 0, max: 120 }),
  }),
);

/**
 * Writes a decision as a connector does: completed tasks note the attempt that did them, and
 * retitled tasks take their new title.
 */
function applied(tasks: CadenceTask[], decision: Decision, now: number): CadenceTask[] {
  const closed = new Set(decision.close.map((c) => c.taskId));
  const done = new Map(decision.complete.map((c) => [c.taskId, c]));
  const titles = new Map(decision.retitle.map((r) => [r.taskId, r.title]));
  const next = tasks.map((t): CadenceTask => {
    const title = titles.get(t.id);
    if (t.status === 'open' && title !== undefined) return { ...t, title };
    const credit = done.get(t.id);
    if (t.status === 'open' && credit) {
      const { at, outcome, activity } = credit;
      return { ...t, status: 'completed', doneAt: at, outcome, credit: activity };
    }
    if (t.status === 'open' && closed.has(t.id)) {
      return { ...t, status: 'closed', doneAt: new Date(now).toISOString() };
    }
    return t;
  });
  for (const d of decision.create) {
    next.push({
      id: `${d.stepKey}#${next.length}`,
      cadenceId: d.cadenceId,
      step: d.step,
      channel: d.channel,
      status: 'open',
      createdAt: new Date(now).toISOString(),
      dueAt: d.dueAt,
      reminderAt: d.reminderAt,
      title: d.title,
    });
  }
  return next;
}

describe('logged attempts, redelivered and reordered', { timeout: 60_000 }, () => {
  it('never completes two steps for one attempt, nor one with an attempt made too early', () => {
    let completed = 0;
    let retitled = 0;
    fc.assert(
      fc.property(scenario, ({ logged, order, repeats, schedule, cadence, lagMinutes }) => {
        let tasks = applied(
          [],
          plan({ lead, tasks: [], activities: [] }, cadence, CREATED, schedule),
          CREATED,
        );
        const known: Activity[] = [];
        let now = CREATED;
        const deliveries = order.flatMap((i) => (repeats[i] ? [i, i] : [i]));
        for (const i of deliveries) {
          const activity = logged[i] as Activity;
          if (!known.includes(activity)) known.push(activity);
          now = Math.max(now, Date.parse(activity.at) + lagMinutes * MINUTE);
          const decision = plan({ lead, tasks, activities: known }, cadence, now, schedule);
          const keys = decision.complete.map((c) => c.activity);
          expect(new Set(keys).size).toBe(keys.length);
          completed += keys.length;
          retitled += decision.retitle.length;
          // Never with an attempt made earlier than the lead time before the step became due.
          const leadTime = (schedule.loggedAttemptLeadMinutes ?? 15) * MINUTE;
          for (const c of decision.complete) {
            const task = tasks.find((t) => t.id === c.taskId);
            expect(Date.parse(c.at)).toBeGreaterThanOrEqual(
              Date.parse(task?.reminderAt ?? '') - leadTime,
            );
          }
          tasks = applied(tasks, decision, now);
          // Every credit names a known attempt, and no attempt is credited twice.
          const credits = tasks.flatMap((t) => (t.credit === undefined ? [] : [t.credit]));
          expect(new Set(credits).size).toBe(credits.length);
          expect(credits.every((c) => known.some((a) => activityKey(a) === c))).toBe(true);
        }
        // Redelivered once more: the records are spent, nothing is completed again.
        const again = plan({ lead, tasks, activities: known }, cadence, now, schedule);
        expect(again.complete).toEqual([]);
        // Every open title counts truly once retitled: a redelivery retitles nothing again.
        expect(again.retitle).toEqual([]);
      }),
      { seed: SEED, numRuns: 120 },
    );
    // The scenarios do exercise the rules: logged attempts completed steps and retitled others.
    expect(completed).toBeGreaterThan(100);
    expect(retitled).toBeGreaterThan(10);
  });
});
