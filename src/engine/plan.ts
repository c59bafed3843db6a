import {
  activityKey,
  creditFor,
  DEFAULT_LOGGED_ATTEMPT_LEAD_MINUTES,
  matchAttempts,
  outsideOf,
} from './attempts.ts';
import { isoOf } from './iso-time.ts';
import { leadPlace } from './lead-window.ts';
import { MINUTE } from './local-days.ts';
import { rescheduleOf } from './retime.ts';
import { attemptTimes, doneAt, HARD, type Timing, timing } from './step-timing.ts';
import {
  callingRulesLine,
  closingLine,
  holidayLine,
  lateLine,
  outsideHoursLine,
  uncertainZoneLine,
} from './task-text.ts';
import { retitled, taskTitle } from './task-title.ts';
import {
  type Activity,
  type Cadence,
  type CadenceState,
  type CadenceStep,
  type CadenceTask,
  CHANNELS,
  type Channel,
  type CloseReason,
  type Decision,
  type LeadSnapshot,
  type Outcome,
  REACHED_OUTCOMES,
  type Schedule,
  type StopReason,
  type TaskClosure,
  type TaskCompletion,
  type TaskDraft,
  type TaskReassignment,
  type TaskReschedule,
  type TaskRetitle,
} from './types.ts';

/** The idempotency key of a cadence step for one lead. */
export function stepKey(leadId: string, cadenceId: string, step: number): string {
  return `${leadId}:${cadenceId}:${step}`;
}

function stopReason({ lead, tasks, activities }: LeadSnapshot): StopReason | undefined {
  if (lead.converted) return 'converted';
  const reached = (t: { readonly outcome?: Outcome | undefined }) =>
    t.outcome !== undefined && REACHED_OUTCOMES.has(t.outcome);
  if (tasks.some(reached) || activities.some(reached)) return 'reached';
  if (!lead.isOpen) return 'lead_closed';
  return undefined;
}

/** Channels the lead must not be contacted on, with why. */
function blockedChannels({ lead, tasks, activities }: LeadSnapshot): Map<Channel, CloseReason> {
  const blocked = new Map<Channel, CloseReason>();
  const wrong = (t: CadenceTask | Activity) => t.channel === 'call' && t.outcome === 'wrong_number';
  const wrongNumber = tasks.some(wrong) || activities.some(wrong);
  if (wrongNumber) {
    blocked.set('call', 'wrong_number');
    blocked.set('sms', 'wrong_number');
  }
  for (const channel of lead.optedOut) blocked.set(channel, 'opted_out');
  return blocked;
}

/** Oldest first, then by id: every replica orders the same tasks the same way. */
export function byAge(a: CadenceTask, b: CadenceTask): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

function draft(
  snapshot: LeadSnapshot,
  cadence: Cadence,
  index: number,
  position: { readonly nth: number; readonly of: number },
  when: Timing,
  teamZone: string,
  after: number | undefined,
): TaskDraft {
  const { lead } = snapshot;
  const step = cadence.steps[index - 1] as CadenceStep;
  const who = lead.company ? `${lead.name} (${lead.company})` : lead.name;
  return {
    stepKey: stepKey(lead.id, cadence.id, index),
    cadenceId: cadence.id,
    step: index,
    channel: step.channel,
    title: taskTitle(step.channel, position, who),
    body: bodyOf(step, lead, when, teamZone),
    priority: step.priority,
    reminderAt: isoOf(when.reminderAt),
    dueAt: isoOf(when.dueAt),
    ...(lead.ownerId === undefined ? {} : { ownerId: lead.ownerId }),
    reason: when.reason,
    ...(after === undefined ? {} : { after: isoOf(after) }),
  };
}

/** The step's guidance, after the lines that say why it is due when it is. */
function bodyOf(step: CadenceStep, lead: LeadSnapshot['lead'], when: Timing, teamZone: string) {
  const lines: string[] = [];
  if (when.outside) lines.push(outsideHoursLine(when.reminderAt, lead.timezone, teamZone));
  if (when.uncertain) lines.push(uncertainZoneLine(when.reminderAt, lead.timezone, when.uncertain));
  if (when.movedPast) lines.push(holidayLine(when.movedPast, lead.jurisdiction?.country));
  if (when.closesAt !== undefined) {
    lines.push(closingLine(when.closesAt, lead.timezone, teamZone, step.channel));
  }
  if (when.lateAfter !== undefined && step.afterMinutes) {
    lines.push(lateLine(step.afterMinutes, when.lateAfter, teamZone, step.channel));
  }
  if (HARD.has(step.channel)) {
    const notices = (lead.jurisdiction?.rules ?? []).flatMap((r) => r.notice ?? []);
    if (notices.length > 0) lines.push(callingRulesLine(notices, lead.timezone));
  }
  return lines.length === 0 ? step.guidance : `${lines.join('\n\n')}\n\n${step.guidance}`;
}

/** `held`: steps are left, but no lawful moment for them (`no_lawful_moment`). */
type TrackResult = 'active' | 'done' | 'blocked' | 'held';

const STEPS_ON = new WeakMap<Cadence, Map<Channel, readonly number[]>>();

/** The 1-based indexes of a cadence's steps on one channel, found once per cadence. */
function stepsOn(cadence: Cadence, channel: Channel): readonly number[] {
  let byChannel = STEPS_ON.get(cadence);
  if (!byChannel) {
    byChannel = new Map();
    for (const c of CHANNELS) {
      byChannel.set(
        c,
        cadence.steps.flatMap((s, i) => (s.channel === c ? [i + 1] : [])),
      );
    }
    STEPS_ON.set(cadence, byChannel);
  }
  return byChannel.get(channel) ?? [];
}

/**
 * Decides which cadence tasks should be open for a lead now. Pure: the same snapshot, cadence,
 * instant and schedule always give the same decision.
 */
export function plan(
  snapshot: LeadSnapshot,
  cadence: Cadence,
  now: number,
  schedule: Schedule,
): Decision {
  const leadId = snapshot.lead.id;
  const close: TaskClosure[] = [];
  const keep: string[] = [];
  const create: TaskDraft[] = [];
  const reassign: TaskReassignment[] = [];
  const complete: TaskCompletion[] = [];
  const retitle: TaskRetitle[] = [];
  const reschedule: TaskReschedule[] = [];
  const open = (t: CadenceTask) => t.status === 'open';

  const stop = stopReason(snapshot);
  if (stop) {
    for (const t of snapshot.tasks.filter(open)) close.push({ taskId: t.id, reason: stop });
    const state = { status: 'stopped', reason: stop } as const;
    return { leadId, state, create, close, complete, reassign, retitle, reschedule, keep };
  }

  // Open tasks of another cadence or of a step that no longer exists are left over from a change.
  const current: CadenceTask[] = [];
  for (const t of [...snapshot.tasks].sort(byAge)) {
    const step = t.cadenceId === cadence.id ? cadence.steps[t.step - 1] : undefined;
    if (step?.channel === t.channel) current.push(t);
    else if (open(t)) close.push({ taskId: t.id, reason: 'cadence_changed' });
  }

  const blocked = blockedChannels(snapshot);
  const place = leadPlace(snapshot.lead);
  const { outside } = matchAttempts(snapshot.tasks, snapshot.activities);
  const leadMs =
    (schedule.loggedAttemptLeadMinutes ?? DEFAULT_LOGGED_ATTEMPT_LEAD_MINUTES) * MINUTE;
  const attempts = place.caps.length > 0 ? attemptTimes(snapshot.tasks, outside) : [];
  const results: TrackResult[] = [];
  for (const channel of CHANNELS) {
    const indexes = stepsOn(cadence, channel);
    if (indexes.length === 0) continue;
    const tasks = current.filter((t) => t.channel === channel);
    const reason = blocked.get(channel);
    if (reason) {
      for (const t of tasks.filter(open)) close.push({ taskId: t.id, reason });
      // Only completed steps count here: a step closed by this very block is still left to do.
      const last = Math.max(0, ...tasks.filter((t) => t.status === 'completed').map((t) => t.step));
      results.push(indexes.some((i) => i > last) ? 'blocked' : 'done');
      continue;
    }
    // At most one open task per channel: the earliest step wins, any twin or later one closes.
    const [kept, ...extra] = tasks.filter(open).sort((a, b) => a.step - b.step || byAge(a, b));
    for (const t of extra) close.push({ taskId: t.id, reason: 'duplicate' });
    let track: Track = {
      tasks,
      outside: outside.length === 0 ? outside : outsideOf(outside, channel),
    };
    const logged = kept && creditFor(kept, track.outside, leadMs);
    if (kept && logged) {
      // The rep made this step's attempt outside the task list: it is done, at the logged time.
      const credit = completion(kept, logged);
      complete.push(credit);
      track = completedBy(track, kept, credit, logged);
    } else if (kept && track.outside.length > 0 && attemptsMade(track) >= indexes.length) {
      // Every attempt of the track was made, some by hand: the cadence asks for no more.
      close.push({ taskId: kept.id, reason: 'attempts_made' });
      results.push('done');
      continue;
    } else if (kept) {
      // The lead's window changed under a call or text not yet due (its number now reads in
      // another zone, a state filled in, new rules or hours): it moves in place into the window,
      // or, when the window has no moment left for it in a year, it goes (never a call due at a
      // moment no rule allows) and the track waits, as for a step not yet written.
      const moved = rescheduleOf(kept, place, now, schedule);
      if (moved === 'no_lawful_moment') {
        close.push({ taskId: kept.id, reason: 'no_calling_window' });
        results.push('held');
        continue;
      }
      keep.push(kept.id);
      // The rep who owns the lead now works its open tasks; an unowned lead leaves them be.
      const owner = snapshot.lead.ownerId;
      if (owner !== undefined && kept.ownerId !== owner) {
        reassign.push({ taskId: kept.id, ownerId: owner });
      }
      // Attempts made since the task was written, too early to be its own ("Call 2 of 6" after
      // the dialer's second and third calls), leave its title behind: only the count changes.
      const position = positionOf(track, indexes);
      const title =
        kept.title && position.nth <= position.of && retitled(kept.title, channel, position);
      if (title) retitle.push({ taskId: kept.id, title });
      if (moved) {
        reschedule.push(moved);
        if (place.caps.length > 0)
          movePlanned(attempts, Date.parse(kept.dueAt), Date.parse(moved.dueAt));
      }
      results.push('active');
      continue;
    }
    // Only completed steps count: a task the service closed itself (opt-out, lead closed,
    // cadence changed) leaves its step to do, so the track resumes there when the reason goes
    // away. A step whose task was deleted is skipped: progress is the furthest step completed.
    let step = nextStep(track, indexes);
    let when: Timing | undefined;
    while (step) {
      when = timing(cadence.steps[step.next - 1] as CadenceStep, {
        snapshot,
        place,
        previousDone: step.previousDone,
        attempts,
        now,
        schedule,
      });
      if (when.reason === 'no_lawful_moment') break;
      // An attempt the rep made before this step's task was written (a dialer call on a lead
      // the service had not seen yet) does the step, as it would have completed its open task:
      // the next task counts from it, not due at once after it.
      const made = creditFor(unwritten(cadence, step.next, when), track.outside, leadMs);
      if (!made) break;
      track = doneByHand(track, cadence, step.next, made);
      step = nextStep(track, indexes);
    }
    if (!step || !when) {
      results.push('done');
      continue;
    }
    if (when.reason === 'no_lawful_moment') {
      // Never a call due at a moment no rule allows: the track waits for hours that allow one.
      results.push('held');
      continue;
    }
    const { next, previousDone } = step;
    // A call planned here counts against the cap for a text planned next, and the other way.
    if (place.caps.length > 0 && HARD.has(channel)) {
      attempts.push(when.dueAt);
      attempts.sort((a, b) => b - a);
    }
    // Titles count attempts made, not steps passed: "Call 4 of 6" after three logged calls.
    const position = positionOf(track, indexes);
    create.push(draft(snapshot, cadence, next, position, when, schedule.teamZone, previousDone));
    results.push('active');
  }

  const state = overall(results);
  return { leadId, state, create, close, complete, reassign, retitle, reschedule, keep };
}

/** A call or text planned at `from` now planned at `to`: the caps count it there. */
function movePlanned(attempts: number[], from: number, to: number): void {
  const at = attempts.indexOf(from);
  if (at >= 0) attempts.splice(at, 1);
  attempts.push(to);
  attempts.sort((a, b) => b - a);
}

interface Track {
  readonly tasks: readonly CadenceTask[];
  /** Attempts of the track's channel logged outside the cadence. */
  readonly outside: readonly Activity[];
}

function completion(task: CadenceTask, logged: Activity): TaskCompletion {
  const { channel, at, outcome } = logged;
  return { taskId: task.id, channel, activity: activityKey(logged), at, outcome };
}

/** The track as it is once `task` is completed from the logged attempt. */
function completedBy(track: Track, task: CadenceTask, credit: TaskCompletion, logged: Activity) {
  const done: CadenceTask = {
    ...task,
    status: 'completed',
    doneAt: credit.at,
    outcome: credit.outcome,
    credit: credit.activity,
  };
  return {
    tasks: track.tasks.map((t) => (t === task ? done : t)),
    outside: track.outside.filter((a) => a !== logged),
  };
}

/** The track's next step, or undefined when every step or every attempt is made. */
function nextStep(track: Track, indexes: readonly number[]) {
  let done: CadenceTask | undefined;
  for (const t of track.tasks) {
    if (t.status !== 'completed') continue;
    if (!done || t.step > done.step || (t.step === done.step && doneAt(t) < doneAt(done))) done = t;
  }
  const made = attemptsMade(track);
  const next = indexes.find((i) => i > (done?.step ?? 0));
  if (next === undefined || made >= indexes.length) return undefined;
  return { next, made, previousDone: lastAttempt(done, track.outside) };
}

/** A step as its task would be written: what a logged attempt is matched against. */
function unwritten(cadence: Cadence, step: number, when: Timing): CadenceTask {
  const channel = (cadence.steps[step - 1] as CadenceStep).channel;
  const dueAt = isoOf(when.dueAt);
  const reminderAt = isoOf(when.reminderAt);
  return {
    id: '',
    cadenceId: cadence.id,
    step,
    channel,
    status: 'open',
    createdAt: dueAt,
    dueAt,
    reminderAt,
  };
}

/** The track once `step`, never written as a task, is done by the logged attempt. */
function doneByHand(track: Track, cadence: Cadence, step: number, logged: Activity): Track {
  const { channel, at, outcome } = logged;
  const done: CadenceTask = {
    id: '',
    cadenceId: cadence.id,
    step,
    channel,
    status: 'completed',
    createdAt: at,
    dueAt: at,
    doneAt: at,
    outcome,
    credit: activityKey(logged),
  };
  return { tasks: [...track.tasks, done], outside: track.outside.filter((a) => a !== logged) };
}

/** Which attempt the track's open task is: one more than the attempts made. */
function positionOf(track: Track, indexes: readonly number[]) {
  return { nth: attemptsMade(track) + 1, of: indexes.length };
}

/** Caps count every attempt: the steps completed plus the attempts logged outside the cadence. */
function attemptsMade({ tasks, outside }: Track): number {
  const steps = new Set<number>();
  for (const t of tasks) if (t.status === 'completed') steps.add(t.step);
  return steps.size + outside.length;
}

/** The next step counts from the latest attempt of its channel, in the cadence or not. */
function lastAttempt(done: CadenceTask | undefined, outside: readonly Activity[]) {
  let last = done ? doneAt(done) : undefined;
  for (const a of outside) {
    const at = Date.parse(a.at);
    if (last === undefined || at > last) last = at;
  }
  return last;
}

function overall(results: readonly TrackResult[]): CadenceState {
  if (results.includes('active')) return { status: 'active' };
  if (results.includes('blocked')) return { status: 'stopped', reason: 'opted_out' };
  if (results.includes('held')) return { status: 'stopped', reason: 'no_calling_window' };
  return { status: 'finished' };
}
