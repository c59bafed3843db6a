import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { parseWeeklyHours } from '../../src/config/hours.ts';
import { plan } from '../../src/engine/plan.ts';
import type { Activity, CadenceTask, LeadSnapshot, Schedule } from '../../src/engine/types.ts';

const MINUTE = 60_000;
// Tuesday 2026-11-24, 10:00 in New York.
const CREATED = Date.parse('2026-11-24T15:00:00.000Z');
const iso = (minutes: number) => new Date(CREATED + minutes * MINUTE).toISOString();

const weekdays = parseWeeklyHours('Mon-Fri 09:00-17:00');
if (!weekdays.ok) throw new Error(weekdays.error);
const schedule: Schedule = {
  teamZone: 'America/New_York',
  businessHours: weekdays.value,
  contactHours: { start: 8 * 60, end: 20 * 60 },
  isHoliday: () => false,
};

const lead: LeadSnapshot['lead'] = {
  id: 'lead-1',
  name: 'Ada',
  createdAt: iso(0),
  timezone: 'America/New_York',
  isOpen: true,
  converted: false,
  optedOut: [],
};

function callTask(step: number, status: CadenceTask['status'], minutes: number): CadenceTask {
  return {
    id: `task-${step}`,
    cadenceId: researchCadence.id,
    step,
    channel: 'call',
    status,
    createdAt: iso(0),
    dueAt: iso(minutes),
    reminderAt: iso(minutes),
    ...(status === 'completed' ? { doneAt: iso(minutes), outcome: 'no_answer' as const } : {}),
  };
}
const call = (id: string, minutes: number): Activity => ({
  id,
  channel: 'call',
  at: iso(minutes),
  outcome: 'no_answer',
});
const calls = (tasks: CadenceTask[], activities: Activity[], now: number, s = schedule) =>
  plan({ lead, tasks, activities }, researchCadence, CREATED + now * MINUTE, s);

describe('plan: calls logged outside the task list', () => {
  it('completes the open call with the first logged call and numbers the next after all three', () => {
    const decision = calls([callTask(1, 'open', 0)], [call('a', 1), call('b', 2), call('c', 3)], 4);
    expect(decision.complete).toEqual([
      { taskId: 'task-1', channel: 'call', activity: 'a', at: iso(1), outcome: 'no_answer' },
    ]);
    const [next] = decision.create.filter((d) => d.channel === 'call');
    expect(next?.title).toMatch(/^Call 4 of 6/);
    // Timed from the latest call made, 30-60 minutes after it.
    expect([next?.reminderAt, next?.dueAt, next?.after]).toEqual([iso(33), iso(63), iso(3)]);
  });

  it('writes no step number into a body that the title, counting logged calls, could contradict', () => {
    const decision = calls([callTask(1, 'open', 0)], [call('a', 1), call('b', 2), call('c', 3)], 4);
    const [next] = decision.create.filter((d) => d.channel === 'call');
    expect(next?.title).toMatch(/^Call 4 of 6/);
    expect(next?.body).toMatch(/^Call again, 30-60 minutes after the last call/);
    const counted = /\b(second|third|fourth|fifth|sixth)( and last)? call\b|\(\d of \d\)/i;
    for (const step of researchCadence.steps.slice(1)) expect(step.guidance).not.toMatch(counted);
  });

  it('counts a call the rep both logged and ticked once', () => {
    const decision = calls([callTask(1, 'completed', 0)], [call('a', 5)], 6);
    const [next] = decision.create.filter((d) => d.channel === 'call');
    expect(next?.title).toMatch(/^Call 2 of 6/);
    expect(decision.complete).toEqual([]);
  });

  it('credits a call up to LOGGED_ATTEMPT_LEAD_MINUTES before the step became due, not earlier', () => {
    const open = [callTask(1, 'completed', 0), callTask(3, 'open', 30)];
    expect(calls(open, [call('a', 16)], 17).complete).toHaveLength(1);
    expect(calls(open, [call('a', 14)], 17).complete).toEqual([]);
    const strict = { ...schedule, loggedAttemptLeadMinutes: 0 };
    expect(calls(open, [call('a', 29)], 29, strict).complete).toEqual([]);
    expect(calls(open, [call('a', 30)], 30, strict).complete).toHaveLength(1);
  });

  it('closes the open call as attempts_made once six calls were made', () => {
    const open = [callTask(1, 'completed', 0), callTask(3, 'open', 300)];
    const logged = [1, 2, 3, 4, 5].map((m) => call(`c${m}`, m * 20));
    const decision = calls(open, logged, 120);
    expect(decision.close).toEqual([{ taskId: 'task-3', reason: 'attempts_made' }]);
    expect(decision.create.filter((d) => d.channel === 'call')).toEqual([]);
  });

  it('counts a call made before any task was written as call 1: call 2 follows 30-60 minutes later', () => {
    // The rep rang the new lead from the dialer a minute in, before the service saw it.
    const first = calls([], [call('a', 1)], 2);
    const [next, ...more] = first.create.filter((d) => d.channel === 'call');
    expect(more).toEqual([]);
    expect(next?.step).toBe(3);
    expect(next?.title).toMatch(/^Call 2 of 6/);
    expect([next?.reminderAt, next?.dueAt, next?.after]).toEqual([iso(31), iso(61), iso(1)]);
    // The next round sees that task open and the same call: nothing changes.
    const written = { ...callTask(3, 'open', 61), reminderAt: iso(31) };
    const again = calls([written], [call('a', 1)], 5);
    expect([again.create.filter((d) => d.channel === 'call'), again.complete]).toEqual([[], []]);
    expect(again.keep).toEqual(['task-3']);
  });

  it('does not count a call made long before the step was due as that step', () => {
    // Call 1 was closed (the lead was closed, then reopened): it is to do again, from now.
    const closed = { ...callTask(1, 'closed', 0), doneAt: iso(5) };
    const decision = calls([closed], [call('a', 10)], 300);
    const [next] = decision.create.filter((d) => d.channel === 'call');
    expect(next?.step).toBe(1);
    expect(next?.title).toMatch(/^Call 2 of 6/);
    expect(next?.dueAt).toBe(iso(300));
  });

  it('retitles in place an open call whose count calls made since made untrue, and nothing else', () => {
    // Call 1 made at 10:02 (the dialer's call 'a' completed it), "Call 2 of 6" written for
    // 10:32-11:02; the dialer then logs calls at 10:10 and 10:12, too early to be that step's
    // attempt, yet the second and third calls.
    const done = { ...callTask(1, 'completed', 0), doneAt: iso(2), credit: 'a' };
    const title = 'Call 2 of 6 — Ada';
    const open = { ...callTask(3, 'open', 62), reminderAt: iso(32), createdAt: iso(2), title };
    const logged = [call('a', 2), call('b', 10), call('c', 12)];
    const decision = calls([done, open], logged, 13);
    expect(decision.retitle).toEqual([{ taskId: 'task-3', title: 'Call 4 of 6 — Ada' }]);
    // The same task stays, where it was due: nothing closed, created or completed.
    expect(decision.keep).toContain('task-3');
    expect([decision.close, decision.complete]).toEqual([[], []]);
    expect(decision.create.filter((d) => d.channel === 'call')).toEqual([]);
    // Once retitled, the next round finds the title true and changes nothing.
    const retitled = { ...open, title: 'Call 4 of 6 — Ada' };
    const again = calls([done, retitled], logged, 14);
    expect(again.retitle).toEqual([]);
    expect(again.keep).toContain('task-3');
  });

  it('changes only the count of a title: what the rep added stays, a rewritten title is theirs', () => {
    const done = { ...callTask(1, 'completed', 0), doneAt: iso(2), credit: 'a' };
    const open = (title: string) => ({ ...callTask(3, 'open', 62), reminderAt: iso(32), title });
    const logged = [call('a', 2), call('b', 10)];
    const decide = (title: string) => calls([done, open(title)], logged, 13).retitle;
    expect(decide('Call 2 of 6 — Ada — ask for the CFO')).toEqual([
      { taskId: 'task-3', title: 'Call 3 of 6 — Ada — ask for the CFO' },
    ]);
    expect(decide('Ring Ada back about pricing')).toEqual([]);
    expect(decide('Call 3 of 6 — Ada')).toEqual([]);
    // A task read without its title (a connector that does not read it) is left be.
    expect(calls([done, callTask(3, 'open', 62)], logged, 13).retitle).toEqual([]);
  });

  it('still stops on a connected call rather than completing with it', () => {
    const connected: Activity = { ...call('a', 1), outcome: 'connected' };
    const decision = calls([callTask(1, 'open', 0)], [connected], 2);
    expect(decision.state).toEqual({ status: 'stopped', reason: 'reached' });
    expect(decision.complete).toEqual([]);
  });
});
