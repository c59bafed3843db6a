import { DateTime } from 'luxon';
import { zoneNamed } from './cached-zone.ts';
import type { MinuteRange, Schedule } from './types.ts';

/** An allowed stretch of time in epoch milliseconds, `end` exclusive. */
export interface Opening {
  readonly start: number;
  readonly end: number;
}

// Far enough to cross any holiday season; a schedule with no opening in a year is misconfigured.
const SEARCH_DAYS = 370;

// luxon moves a wall time that falls into a DST gap forward, which is what a rep would expect.
function localRange(day: DateTime, range: MinuteRange): Opening {
  const start = day
    .set({ hour: Math.floor(range.start / 60), minute: range.start % 60 })
    .toMillis();
  const end =
    range.end >= 1440
      ? day.plus({ days: 1 }).toMillis()
      : day.set({ hour: Math.floor(range.end / 60), minute: range.end % 60 }).toMillis();
  return { start, end: Math.max(start, end) };
}

/** Stretches of the lead's contact window (lead zone) that overlap `span`, in time order. */
function contactOverlaps(span: Opening, leadZone: string, contact: MinuteRange): Opening[] {
  const out: Opening[] = [];
  let day = DateTime.fromMillis(span.start, { zone: zoneNamed(leadZone) })
    .startOf('day')
    .minus({ days: 1 });
  while (day.toMillis() < span.end) {
    const window = localRange(day, contact);
    const start = Math.max(window.start, span.start);
    const end = Math.min(window.end, span.end);
    if (end > start) out.push({ start, end });
    day = day.plus({ days: 1 });
  }
  return out;
}

function teamOpenings(day: DateTime, schedule: Schedule): Opening[] {
  if (schedule.isHoliday(day.toISODate() ?? '')) return [];
  return (schedule.businessHours[day.weekday] ?? []).map((range) => localRange(day, range));
}

function search(
  from: number,
  leadZone: string,
  schedule: Schedule,
  contact: MinuteRange | undefined,
): Opening | undefined {
  let day = DateTime.fromMillis(from, { zone: zoneNamed(schedule.teamZone) }).startOf('day');
  for (let i = 0; i < SEARCH_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const business of teamOpenings(day, schedule)) {
      const windows = contact ? contactOverlaps(business, leadZone, contact) : [business];
      for (const window of windows) {
        if (window.end > from) return { start: Math.max(window.start, from), end: window.end };
      }
    }
  }
  return undefined;
}

/**
 * The first moment at or after `from` inside both the team's business hours (never on a
 * holiday) and the lead's contact window, with the end of that stretch. When the two never
 * overlap (a lead on the far side of the world), the team's hours alone decide.
 */
export function nextOpening(from: number, leadZone: string, schedule: Schedule): Opening {
  return (
    search(from, leadZone, schedule, schedule.contactHours) ??
    search(from, leadZone, schedule, undefined) ?? { start: from, end: from }
  );
}

/** True when `at` lies inside an opening (the same rule `nextOpening` applies). */
export function isOpen(at: number, leadZone: string, schedule: Schedule): boolean {
  return nextOpening(at, leadZone, schedule).start === at;
}

/** Start of the lead's local day `day` (day 1 = the day of `createdAt`). */
export function startOfLeadDay(createdAt: number, leadZone: string, day: number): number {
  return DateTime.fromMillis(createdAt, { zone: zoneNamed(leadZone) })
    .startOf('day')
    .plus({ days: day - 1 })
    .toMillis();
}

/** Start of the local day after the one containing `at`. */
export function startOfNextDay(at: number, zone: string): number {
  return DateTime.fromMillis(at, { zone: zoneNamed(zone) })
    .startOf('day')
    .plus({ days: 1 })
    .toMillis();
}
