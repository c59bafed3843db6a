import { DateTime } from 'luxon';
import { zoneNamed } from './cached-zone.ts';
import type { MinuteRange } from './types.ts';

/** An allowed stretch of time in epoch milliseconds, `end` exclusive. */
export interface Opening {
  readonly start: number;
  readonly end: number;
}

/** One calendar day of a zone, computed once: luxon date math is the engine's main cost. */
export interface LocalDay {
  /** Days since 1970-01-01 of the local calendar date. */
  readonly number: number;
  readonly iso: string;
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  /** First moment of the day (01:00 where a DST change skips midnight). */
  readonly start: number;
  /** First moment of the next day. */
  readonly end: number;
  readonly dt: DateTime;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const MAX_CACHED = 200_000;
const days = new Map<string, LocalDay>();

/** The local calendar day number (days since 1970-01-01) that contains `at` in `zone`. */
export function dayNumberAt(at: number, zone: string): number {
  return Math.floor((at + zoneNamed(zone).offset(at) * MINUTE) / DAY);
}

/** The local day `number` of `zone`. */
export function localDay(zone: string, number: number): LocalDay {
  const key = `${zone}|${number}`;
  let day = days.get(key);
  if (day) return day;
  // Noon of the date, found from the offset at UTC midnight: a transition moves it at most
  // a few hours, so it stays on the same local date.
  const noon = number * DAY + 12 * HOUR - zoneNamed(zone).offset(number * DAY) * MINUTE;
  const dt = DateTime.fromMillis(noon, { zone: zoneNamed(zone) }).startOf('day');
  const next = dt.plus({ days: 1 }).startOf('day');
  day = {
    number,
    iso: new Date(number * DAY).toISOString().slice(0, 10),
    weekday: ((((number + 3) % 7) + 7) % 7) + 1,
    start: dt.toMillis(),
    end: next.toMillis(),
    dt,
  };
  if (days.size >= MAX_CACHED) days.clear();
  days.set(key, day);
  return day;
}

// luxon moves a wall time that falls into a DST gap forward, which is what a rep would expect.
export function localRange(day: LocalDay, range: MinuteRange): Opening {
  const start = day.dt
    .set({ hour: Math.floor(range.start / 60), minute: range.start % 60 })
    .toMillis();
  const end =
    range.end >= 1440
      ? day.end
      : day.dt.set({ hour: Math.floor(range.end / 60), minute: range.end % 60 }).toMillis();
  return { start, end: Math.max(start, end) };
}

/** The parts of two sorted, disjoint lists of openings that lie in both. */
export function intersect(a: readonly Opening[], b: readonly Opening[]): Opening[] {
  const out: Opening[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Opening;
    const y = b[j] as Opening;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** The parts of two sorted minute-range lists of one day that lie in both. */
export function intersectRanges(
  a: readonly MinuteRange[],
  b: readonly MinuteRange[],
): MinuteRange[] {
  return intersect(a, b);
}
