/** Kept calls and texts moved back into the lead's window when it changes under them. */
import { isoOf, parseIso } from './iso-time.ts';
import type { LeadPlace } from './lead-window.ts';
import { firstLawful } from './schedule.ts';
import { HARD } from './step-timing.ts';
import { movedLine } from './task-text.ts';
import type { CadenceTask, Schedule, TaskReschedule } from './types.ts';

/**
 * The new due time of a kept call or text whose due time the lead's window no longer holds: the
 * window's first moment at or after it, whatever the team's hours (a call due outside them but
 * inside the lead's window is lawful and stays). A task already due is left be: it is the rep's
 * to work now, and moving it would only churn. Undefined when nothing moves; `no_lawful_moment`
 * when the window has no moment for it in a year (contact hours the rules leave no time in).
 */
export function rescheduleOf(
  task: CadenceTask,
  place: LeadPlace,
  now: number,
  schedule: Schedule,
): TaskReschedule | 'no_lawful_moment' | undefined {
  if (task.status !== 'open' || !HARD.has(task.channel)) return undefined;
  const due = parseIso(task.dueAt);
  if (!(due > now)) return undefined;
  const lawful = firstLawful(due, place, schedule);
  if (!lawful) return 'no_lawful_moment';
  if (lawful.start === due) return undefined;
  const note = movedLine(due, lawful.start, place.zone, schedule.teamZone, lawful.zones);
  return { taskId: task.id, dueAt: isoOf(lawful.start), note };
}
