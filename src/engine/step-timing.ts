/** When a cadence step falls: its earliest moment, the calling rules' caps, and the opening. */
import { doneAt } from './attempts.ts';
import { parseIso } from './iso-time.ts';
import {
  deskPlace,
  explainHoliday,
  holidaysPassed,
  type LeadPlace,
  leadStretches,
  type MovedPast,
} from './lead-window.ts';
import { MINUTE } from './local-days.ts';
import { nextOpening, type PlacedOpening, startOfLeadDay, startOfNextDay } from './schedule.ts';
import type {
  Activity,
  CadenceStep,
  CadenceTask,
  Channel,
  LeadSnapshot,
  Schedule,
  TimingReason,
} from './types.ts';

/** Channels the law limits to the lead's window: the rep talks to or texts the lead. */
export const HARD: ReadonlySet<Channel> = new Set(['call', 'sms']);

export { doneAt };

export interface Timing {
  readonly reminderAt: number;
  readonly dueAt: number;
  readonly reason: TimingReason;
  /** Due outside the team's hours: the lead's window never meets them that day. */
  readonly outside: boolean;
  /** A call or text's window was read in these zones: the lead's zone is uncertain. */
  readonly uncertain?: readonly string[];
  /** The lead's no-call days a call or text was moved past. */
  readonly movedPast?: readonly MovedPast[];
  /** The lead's window closes this soon after the call or text becomes due. */
  readonly closesAt?: number;
  /**
   * The previous attempt, when a step due minutes after it (`afterMinutes`) falls later than
   * its spacing allows because no moment came sooner (a call 2 after a Friday-evening call 1).
   */
  readonly lateAfter?: number;
}

/** What a step's timing depends on besides the step itself. */
export interface TimingInput {
  readonly snapshot: LeadSnapshot;
  readonly place: LeadPlace;
  readonly previousDone: number | undefined;
  /** Times of the calls and texts made or planned (open tasks, this decision), newest first. */
  readonly attempts: readonly number[];
  readonly now: number;
  readonly schedule: Schedule;
}

/**
 * The earliest moment the caps allow another call or text, and the cap that sets it: after
 * every attempt made or planned, and a period after the oldest of the last `max`. A cap delays
 * a call; it never drops one.
 */
function capFloor(
  place: LeadPlace,
  attempts: readonly number[],
): { at: number; code: string } | undefined {
  const [latest] = attempts;
  if (latest === undefined) return undefined;
  let floor: { at: number; code: string } | undefined;
  for (const cap of place.caps) {
    const oldest = attempts[cap.max - 1];
    const at = oldest === undefined ? latest : Math.max(latest, oldest + cap.period);
    if (!floor || at > floor.at) floor = { at, code: cap.code };
  }
  return floor;
}

/** A call due this close to the end of the lead's window says when the window closes. */
const CLOSING_SOON = 60 * MINUTE;

/**
 * What a call or text due at `at` tells the rep besides its time: the zones its window was read
 * in when the lead's zone is uncertain, the no-call days it was moved past, and when the lead's
 * window closes when that is soon.
 */
function callNotes(
  from: number,
  opening: PlacedOpening,
  reason: TimingReason,
  place: LeadPlace,
  schedule: Schedule,
): Pick<Timing, 'uncertain' | 'movedPast' | 'closesAt'> {
  const at = opening.start;
  const { zones } = opening;
  const passed = reason.startsWith('moved_past_holiday:')
    ? holidaysPassed(from, at, place, schedule)
    : [];
  // The opening lies inside the lead's window: only one that ends soon may be its end.
  const [stretch] =
    opening.end < at + CLOSING_SOON
      ? leadStretches({ start: at, end: at + CLOSING_SOON }, { ...place, zones }, schedule)
      : [];
  const closes = stretch && stretch.start <= at && stretch.end < at + CLOSING_SOON;
  return {
    ...(zones.length > 1 ? { uncertain: zones } : {}),
    ...(passed.length > 0 ? { movedPast: passed } : {}),
    ...(closes ? { closesAt: stretch.end } : {}),
  };
}

export function timing(step: CadenceStep, input: TimingInput): Timing {
  const { snapshot, previousDone, now, schedule } = input;
  const zone = snapshot.lead.timezone;
  const created = parseIso(snapshot.lead.createdAt);
  const hard = HARD.has(step.channel);
  const place = hard ? input.place : deskPlace(input.place);
  let earliest: number;
  if (step.afterMinutes) {
    earliest = Math.max((previousDone ?? created) + step.afterMinutes.min * MINUTE, now);
  } else {
    const day = step.day ?? 1;
    earliest = Math.max(startOfLeadDay(created, zone, day), created, now);
    if (day > 1 && previousDone !== undefined) {
      earliest = Math.max(earliest, startOfNextDay(previousDone, zone));
    }
  }
  const cap = hard ? capFloor(place, input.attempts) : undefined;
  const from = cap === undefined ? earliest : Math.max(cap.at, earliest);
  const opening = nextOpening(from, place, schedule, hard);
  const reason: TimingReason =
    cap !== undefined && cap.at > earliest
      ? `state_cap:${cap.code}`
      : explainHoliday(from, opening.start, place, schedule, opening.reason);
  const outside = opening.reason === 'lead_window_only';
  const uncertain = hard ? callNotes(from, opening, reason, place, schedule) : {};
  if (!step.afterMinutes) {
    return { reminderAt: opening.start, dueAt: opening.start, reason, outside, ...uncertain };
  }
  const span = (step.afterMinutes.max - step.afterMinutes.min) * MINUTE;
  // The due moment stays inside the same opening, so the rep is never asked to call after hours.
  const lastMinute = Math.max(opening.start, opening.end - MINUTE);
  const dueAt = Math.min(opening.start + span, lastMinute);
  // Later than the spacing because the hours held it (decided while the spacing was still
  // ahead, not long after it by a late delivery or a sweep): the task says so.
  const spacingEnd = previousDone === undefined ? 0 : previousDone + step.afterMinutes.max * MINUTE;
  // A cap that held it is not the hours: the line would say the wrong thing, so it is left out.
  const late =
    previousDone !== undefined &&
    now <= spacingEnd &&
    opening.start > spacingEnd &&
    !reason.startsWith('state_cap:');
  return {
    reminderAt: opening.start,
    dueAt,
    reason,
    outside,
    ...uncertain,
    ...(late ? { lateAfter: previousDone } : {}),
  };
}

/**
 * When calls and texts were made (completed tasks, attempts logged outside the cadence) or are
 * planned (open tasks, due), newest first. A logged call that is a completed task's own attempt
 * counts once.
 */
export function attemptTimes(
  tasks: readonly CadenceTask[],
  outside: readonly Activity[],
): number[] {
  const times = [
    ...tasks.filter((t) => t.status !== 'closed' && HARD.has(t.channel)).map(doneAt),
    ...outside.filter((a) => HARD.has(a.channel)).map((a) => parseIso(a.at)),
  ];
  return times.sort((a, b) => b - a);
}
