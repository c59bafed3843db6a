/**
 * The one definition of a contact attempt, shared by the engine (caps, titles, completing a
 * step from a logged call) and the attempts report: which logged calls and emails are the same
 * attempt as a completed cadence task, and which were made outside the cadence.
 */
import type { Activity, CadenceTask, Channel } from './types.ts';

/** A completed task this close to a logged call/email of its channel is that same attempt. */
export const SAME_ATTEMPT_MS = 15 * 60_000;

/** Unset `LOGGED_ATTEMPT_LEAD_MINUTES`: a rep who calls a little early is still credited. */
export const DEFAULT_LOGGED_ATTEMPT_LEAD_MINUTES = 15;

/** How a completed task names the logged attempt that completed it: the CRM id, else its time. */
export function activityKey(activity: Activity): string {
  return activity.id ?? `${activity.channel}@${activity.at}`;
}

/** A reply is the lead's message, not the rep's attempt. */
export function isLoggedAttempt(activity: Activity): boolean {
  return activity.outcome !== 'replied';
}

/** When a task was done (its due time while it is open). */
export function doneAt(task: CadenceTask): number {
  return Date.parse(task.doneAt ?? task.dueAt);
}

export interface MatchedAttempts {
  /** Completed task → the logged attempt that is the same attempt. */
  readonly pairs: ReadonlyMap<CadenceTask, Activity>;
  /** Logged attempts no completed task accounts for, in input order: made outside the cadence. */
  readonly outside: readonly Activity[];
}

const NOTHING_LOGGED: MatchedAttempts = { pairs: new Map(), outside: [] };

/**
 * Pairs completed tasks with logged attempts of their channel, each side at most once. A task
 * completed from a logged attempt names it (its credit) and is paired with it first; the others
 * pair within {@link SAME_ATTEMPT_MS}, closest first: the rep logged the call and ticked the
 * task, one attempt. Callers pass the records they count (the report drops clock skew first).
 */
export function matchAttempts(
  tasks: readonly CadenceTask[],
  activities: readonly Activity[],
): MatchedAttempts {
  // Most leads have no logged activity: nothing to pair, nothing allocated.
  if (activities.length === 0) return NOTHING_LOGGED;
  const logged = activities.filter(isLoggedAttempt);
  const done = tasks.filter((t) => t.status === 'completed');
  const pairs = new Map<CadenceTask, Activity>();
  const used = new Set<Activity>();
  const byKey = new Map(logged.map((a) => [activityKey(a), a]));
  for (const task of done) {
    const credited = task.credit === undefined ? undefined : byKey.get(task.credit);
    if (credited && credited.channel === task.channel && !used.has(credited)) {
      pairs.set(task, credited);
      used.add(credited);
    }
  }
  const candidates = done
    .filter((task) => !pairs.has(task))
    .flatMap((task) =>
      logged
        .filter((a) => a.channel === task.channel && !used.has(a))
        .map((a) => ({
          task,
          a,
          time: doneAt(task),
          gap: Math.abs(Date.parse(a.at) - doneAt(task)),
        })),
    )
    .filter(({ gap }) => gap <= SAME_ATTEMPT_MS)
    .sort((x, y) => x.gap - y.gap || x.time - y.time);
  for (const { task, a } of candidates) {
    if (used.has(a) || pairs.has(task)) continue;
    pairs.set(task, a);
    used.add(a);
  }
  return { pairs, outside: logged.filter((a) => !used.has(a)) };
}

/**
 * The logged attempt that completes an open task of its channel: the earliest one made outside
 * the cadence at or after `leadMs` before the task became due. `undefined`: none.
 */
export function creditFor(
  task: CadenceTask,
  outside: readonly Activity[],
  leadMs: number,
): Activity | undefined {
  const from = Date.parse(task.reminderAt ?? task.dueAt) - leadMs;
  let best: Activity | undefined;
  for (const a of outside) {
    if (a.channel !== task.channel || Date.parse(a.at) < from) continue;
    if (!best || a.at < best.at || (a.at === best.at && activityKey(a) < activityKey(best))) {
      best = a;
    }
  }
  return best;
}

/** Attempts of one channel made outside the cadence. */
export function outsideOf(outside: readonly Activity[], channel: Channel): Activity[] {
  return outside.filter((a) => a.channel === channel);
}
