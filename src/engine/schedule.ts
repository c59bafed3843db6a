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

/**
 * The start of the day after `day`. Where a DST change skips midnight (America/Santiago), a
 * day starts at 01:00, so the next start is found from the calendar date, not by adding 24 h.
 */
function nextDay(day: DateTime): DateTime {
  return day.plus({ days: 1 }).startOf('day');
}

// luxon moves a wall time that falls into a DST gap forward, which is what a rep would expect.
function localRange(day: DateTime, range: MinuteRange): Opening {
  const start = day
    .set({ hour: Math.floor(range.start / 60), minute: range.start % 60 })
    .toMillis();
  const end =
    range.end >= 1440
      ? nextDay(day).toMillis()
      : day.set({ hour: Math.floor(range.end / 60), minute: range.end % 60 }).toMillis();
  return { start, end: Math.max(start, end) };
}

/** Stretches of the lead's contact window (lead zone) that overlap `span`, in time order. */
function contactOverlaps(span: Opening, leadZone: string, contact: MinuteRange): Opening[] {
  const out: Opening[] = [];
  let day: DateTime = DateTime.fromMillis(span.start, { zone: zoneNamed(leadZone) })
    .minus({ days: 1 })
    .startOf('day');
  while (day.toMillis() < span.end) {
    const window = localRange(day, contact);
    const start = Math.max(window.start, span.start);
    const end = Math.min(window.end, span.end);
    if (end > start) out.push({ start, end });
    day = nextDay(day);
  }
  return out;
}

function teamOpenings(day: DateTime, schedule: Schedule): Opening[] {
  if (schedule.isHoliday(day.toISODate() ?? '')) return [];
  return (schedule.businessHours[day.weekday] ?? []).map((range) => localRange(day, range));
}

/**
 * The openings of one team day: its business hours cut down to the lead's contact window. On a
 * working day where the two do not meet at all (a lead on the far side of the world, or a
 * window that touches the team's hours only in the other DST season) the team's hours alone
 * count, so no lead waits months for a first call. Decided per day, so the rule depends only on
 * the moment, never on where a search started.
 */
function dayOpenings(day: DateTime, leadZone: string, schedule: Schedule): Opening[] {
  const business = teamOpenings(day, schedule);
  const overlaps = business.flatMap((b) => contactOverlaps(b, leadZone, schedule.contactHours));
  return overlaps.length > 0 ? overlaps : business;
}

/**
 * The first moment at or after `from` inside the team's business hours (never on a holiday)
 * and the lead's contact window, with the end of that stretch.
 */
export function nextOpening(from: number, leadZone: string, schedule: Schedule): Opening {
  let day: DateTime = DateTime.fromMillis(from, { zone: zoneNamed(schedule.teamZone) }).startOf(
    'day',
  );
  for (let i = 0; i < SEARCH_DAYS; i++, day = nextDay(day)) {
    for (const window of dayOpenings(day, leadZone, schedule)) {
      if (window.end > from) return { start: Math.max(window.start, from), end: window.end };
    }
  }
  // Only a calendar whose every working day for a year is a holiday gets here.
  return { start: from, end: from };
}

/** Start of the lead's local day `day` (day 1 = the day of `createdAt`). */
export function startOfLeadDay(createdAt: number, leadZone: string, day: number): number {
  return DateTime.fromMillis(createdAt, { zone: zoneNamed(leadZone) })
    .plus({ days: day - 1 })
    .startOf('day')
    .toMillis();
}

/** Start of the local day after the one containing `at`. */
export function startOfNextDay(at: number, zone: string): number {
  return nextDay(DateTime.fromMillis(at, { zone: zoneNamed(zone) })).toMillis();
}
