import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { plan } from '../../src/engine/plan.ts';
import type { CadenceTask, LeadSnapshot, Schedule, TaskDraft } from '../../src/engine/types.ts';
import { weeklyHours } from '../support/parsed.ts';
import { CORPUS_SEED, CORPUS_SIZE, decisionCorpus } from './decision-corpus.ts';
import { outsideLeadWindow } from './lead-window-check.ts';

const hours = weeklyHours;

// A New York team; the lead's calling window is the default, Mon-Fri 08:00-20:00 its own time.
const schedule: Schedule = {
  teamZone: 'America/New_York',
  businessHours: hours('Mon-Fri 09:00-17:00'),
  contactHours: hours('Mon-Fri 08:00-20:00'),
  isHoliday: () => false,
};

// Friday 4 December 2026, 18:00 in New York.
const FRIDAY = Date.parse('2026-12-04T23:00:00.000Z');
const SATURDAY = Date.parse('2026-12-05T15:00:00.000Z');

const lead = (timezone: string): LeadSnapshot['lead'] => ({
  id: 'lead-1',
  name: 'Jane Doe',
  createdAt: new Date(FRIDAY).toISOString(),
  timezone,
  isOpen: true,
  converted: false,
  optedOut: [],
});

/** The tasks the engine wrote for a lead read in `zone` on Friday, as the CRM holds them. */
function written(zone: string): CadenceTask[] {
  const first = plan(
    { lead: lead(zone), tasks: [], activities: [] },
    researchCadence,
    FRIDAY,
    schedule,
  );
  return first.create.map((d: TaskDraft, i) => ({
    id: `task-${i + 1}`,
    cadenceId: d.cadenceId,
    step: d.step,
    channel: d.channel,
    status: 'open',
    createdAt: new Date(FRIDAY).toISOString(),
    dueAt: d.dueAt,
    reminderAt: d.reminderAt,
    title: d.title,
  }));
}

const replan = (zone: string, tasks: CadenceTask[], now = SATURDAY, s = schedule) =>
  plan({ lead: lead(zone), tasks, activities: [] }, researchCadence, now, s);

describe('plan: kept calls and texts when the lead’s window changes', () => {
  it('moves a call due before the window of the lead’s new zone to its opening, in place', () => {
    const tasks = written('America/New_York');
    const call = tasks.find((t) => t.channel === 'call');
    // Monday 09:00 in New York: 06:00 in Los Angeles, before the lead's 08:00.
    expect(call?.dueAt).toBe('2026-12-07T14:00:00.000Z');
    const decision = replan('America/Los_Angeles', tasks);
    expect(decision.reschedule).toEqual([
      {
        taskId: call?.id,
        dueAt: '2026-12-07T16:00:00.000Z',
        note: "Moved from 06:00 to 08:00 Los Angeles time (Mon 7 Dec; 11:00 in New York): the lead's calling window changed since this task was written (the lead is now read in Los Angeles time), and 06:00 is outside it.",
      },
    ]);
    // The same task stays: nothing closed or written again, the desk steps untouched.
    expect(decision.keep).toContain(call?.id);
    expect([decision.close, decision.create]).toEqual([[], []]);
  });

  it('moves nothing once the due time is lawful (a redelivery writes nothing)', () => {
    const tasks = written('America/New_York');
    const [moved] = replan('America/Los_Angeles', tasks).reschedule;
    const after = tasks.map((t) =>
      t.id === moved?.taskId ? { ...t, dueAt: moved.dueAt, reminderAt: moved.dueAt } : t,
    );
    expect(replan('America/Los_Angeles', after).reschedule).toEqual([]);
    // The lead where it was read when the task was written: nothing to move either.
    expect(replan('America/New_York', tasks).reschedule).toEqual([]);
  });

  it('leaves a call due outside the team’s hours but inside the lead’s window where it is', () => {
    // Monday 18:00 in Los Angeles is 21:00 in New York: after the team's hours, lawful for the lead.
    const tasks = written('America/New_York').map((t) =>
      t.channel === 'call' ? { ...t, dueAt: '2026-12-08T02:00:00.000Z' } : t,
    );
    expect(replan('America/Los_Angeles', tasks).reschedule).toEqual([]);
  });

  it('moves a call past due while the window is closed to its next moment, and says so', () => {
    const tasks = written('America/New_York');
    // Monday 06:30 in Los Angeles: call 1 fell due at 06:00 there, before the federal 08:00.
    const monday0630 = Date.parse('2026-12-07T14:30:00.000Z');
    const decision = replan('America/Los_Angeles', tasks, monday0630);
    expect(decision.reschedule.map((r) => r.dueAt)).toEqual(['2026-12-07T16:00:00.000Z']);
    expect(decision.reschedule[0]?.note).toBe(
      "Moved from 06:00 to 08:00 Los Angeles time (Mon 7 Dec; 11:00 in New York): it is past due, and the lead's calling window is closed now (06:30 in Los Angeles).",
    );
  });

  it('leaves a call past due alone while the window is open: it is the rep’s to work now', () => {
    const tasks = written('America/New_York');
    // Monday 10:30 in New York: call 1 fell due at 09:00, and the window is open.
    const monday1030 = Date.parse('2026-12-07T15:30:00.000Z');
    expect(replan('America/New_York', tasks, monday1030).reschedule).toEqual([]);
  });

  it('moves a call when the contact hours change, not an email', () => {
    const later = { ...schedule, contactHours: hours('Mon-Fri 10:00-20:00') };
    const decision = replan('America/New_York', written('America/New_York'), SATURDAY, later);
    expect(decision.reschedule.map((r) => r.dueAt)).toEqual(['2026-12-07T15:00:00.000Z']);
    expect(decision.reschedule[0]?.note).toMatch(
      /^Moved from 09:00 to 10:00 New York time \(Mon 7 Dec\): /,
    );
  });

  it('leaves no kept call or text of the recorded corpus due outside its lead’s window, by an independent check, and moves no other', () => {
    const counts = { kept: 0, pastDue: 0, moved: 0 };
    for (const c of decisionCorpus(CORPUS_SEED, CORPUS_SIZE)) {
      const decision = plan(c.snapshot, researchCadence, c.now, c.schedule);
      const moved = new Map(decision.reschedule.map((r) => [r.taskId, Date.parse(r.dueAt)]));
      const outside = (at: number) => outsideLeadWindow(at, c.snapshot.lead, c.schedule);
      for (const task of c.snapshot.tasks) {
        const due = Date.parse(task.dueAt);
        const kept = decision.keep.includes(task.id);
        if (!kept || (task.channel !== 'call' && task.channel !== 'sms')) {
          expect(moved.has(task.id)).toBe(false);
          continue;
        }
        // A task past due is judged from now: the rep works it now.
        const from = Math.max(due, c.now);
        if (due <= c.now) counts.pastDue++;
        counts.kept++;
        const to = moved.get(task.id);
        // Luxon's reading of each candidate zone's calendar, not the engine's window code.
        if (to === undefined) {
          expect(
            outside(from),
            `${task.id} kept at ${new Date(from).toISOString()}`,
          ).toBeUndefined();
          continue;
        }
        counts.moved++;
        expect(outside(from), `${task.id} moved from ${task.dueAt}`).toBeDefined();
        expect(outside(to), `${task.id} moved to ${new Date(to).toISOString()}`).toBeUndefined();
        // The first lawful moment: a minute earlier is still outside, or before `from`.
        if (to - 60_000 >= from) expect(outside(to - 60_000)).toBeDefined();
      }
    }
    // 2,684 kept calls and texts: 335 not yet due (212 outside their lead's window) and 2,349
    // past due, of which 1,539 with the window closed at the snapshot's moment.
    expect(counts).toEqual({ kept: 2684, pastDue: 2349, moved: 1751 });
  }, 120_000);
});
