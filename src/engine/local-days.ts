import { zoneNamed } from './cached-zone.ts';
import type { MinuteRange } from './types.ts';

/** An allowed stretch of time in epoch milliseconds, `end` exclusive. */
export interface Opening {
  readonly start: number;
  readonly end: number;
}

/** One calendar day of a zone, computed once: luxon date math is the engine's main cost. */
export interface LocalDay {
  readonly zone: string;
  /** Days since 1970-01-01 of the local calendar date. */
  readonly number: number;
  readonly iso: string;
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  /** First moment of the day (01:00 where a DST change skips midnight). */
  readonly start: number;
  /** First moment of the next day. */
  readonly end: number;
  /** The offset in minutes at `start`, which wall times of the day are first tried with. */
  readonly offset: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const MAX_CACHED = 200_000;
// Per zone, then per day number: no key string to build and hash on every lookup.
const days = new Map<string, Map<number, LocalDay>>();
let cachedDays = 0;

/** The local calendar day number (days since 1970-01-01) that contains `at` in `zone`. */
export function dayNumberAt(at: number, zone: string): number {
  return Math.floor((at + zoneNamed(zone).offset(at) * MINUTE) / DAY);
}

/**
 * The instant of the wall time `local` (epoch milliseconds read as UTC) in `zone`, trying
 * `offset` first: luxon's own rule (`fixOffset`), so a wall time in a DST gap moves forward,
 * which is what a rep would expect. Plain arithmetic on cached offsets, no `DateTime`.
 */
function instantOf(local: number, offset: number, zone: string): [number, number] {
  const tz = zoneNamed(zone);
  let guess = local - offset * MINUTE;
  const o2 = tz.offset(guess);
  if (o2 === offset) return [guess, offset];
  guess -= (o2 - offset) * MINUTE;
  const o3 = tz.offset(guess);
  if (o3 === o2) return [guess, o2];
  return [local - Math.min(o2, o3) * MINUTE, Math.max(o2, o3)];
}

/** Midnight starting the local date of `at` seen at `offset`, as a wall time read as UTC. */
const wallMidnight = (at: number, offset: number) => Math.floor((at + offset * MINUTE) / DAY) * DAY;

/** The local day `number` of `zone`. */
export function localDay(zone: string, number: number): LocalDay {
  let ofZone = days.get(zone);
  if (!ofZone) {
    ofZone = new Map();
    days.set(zone, ofZone);
  }
  let day = ofZone.get(number);
  if (day) return day;
  // Noon of the date, found from the offset at UTC midnight: a transition moves it at most
  // a few hours, so it stays on the same local date. From there, what luxon's
  // `startOf('day')` and `plus({ days: 1 }).startOf('day')` give, step for step.
  const tz = zoneNamed(zone);
  const noon = number * DAY + 12 * HOUR - tz.offset(number * DAY) * MINUTE;
  const noonOffset = tz.offset(noon);
  const [start, offset] = instantOf(wallMidnight(noon, noonOffset), noonOffset, zone);
  const [later, laterOffset] = instantOf(start + offset * MINUTE + DAY, offset, zone);
  const [end] = instantOf(wallMidnight(later, laterOffset), laterOffset, zone);
  day = {
    zone,
    number,
    iso: new Date(number * DAY).toISOString().slice(0, 10),
    weekday: ((((number + 3) % 7) + 7) % 7) + 1,
    start,
    end,
    offset,
  };
  if (++cachedDays > MAX_CACHED) {
    for (const other of days.values()) other.clear();
    cachedDays = 1;
  }
  ofZone.set(number, day);
  return day;
}

/** A range of one local day as instants; a wall time in a DST gap moves forward. */
export function localRange(day: LocalDay, range: MinuteRange): Opening {
  const midnight = wallMidnight(day.start, day.offset);
  const [start] = instantOf(midnight + range.start * MINUTE, day.offset, day.zone);
  const end =
    range.end >= 1440 ? day.end : instantOf(midnight + range.end * MINUTE, day.offset, day.zone)[0];
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
