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
 * inside the lead's window is lawful and stays). A task past due is the rep's to work now: it
 * stays while the window is open now, and moves to the window's next moment while it is closed
 * (a rep opening an overdue call at 20:30 would otherwise call a Florida lead past 20:00).
 * Undefined when nothing moves; `no_lawful_moment` when the window has no moment for it in a
 * year (contact hours the rules leave no time in).
 */
export function rescheduleOf(
  task: CadenceTask,
  place: LeadPlace,
  now: number,
  schedule: Schedule,
): TaskReschedule | 'no_lawful_moment' | undefined {
  if (task.status !== 'open' || !HARD.has(task.channel)) return undefined;
  const due = parseIso(task.dueAt);
  const pastDue = !(due > now);
  const lawful = firstLawful(pastDue ? now : due, place, schedule);
  if (!lawful) return 'no_lawful_moment';
  if (lawful.start === (pastDue ? now : due)) return undefined;
  const { zone } = place;
  const note = pastDue
    ? movedLine(due, lawful.start, zone, schedule.teamZone, lawful.zones, now)
    : movedLine(due, lawful.start, zone, schedule.teamZone, lawful.zones);
  return { taskId: task.id, dueAt: isoOf(lawful.start), note };
}
