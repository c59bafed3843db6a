import { type LeadPlace, leadStretches } from './lead-window.ts';
import {
  DAY,
  dayNumberAt,
  HOUR,
  intersect,
  type LocalDay,
  localDay,
  localRange,
  type Opening,
} from './local-days.ts';
import type { Schedule, TimingReason } from './types.ts';

export type { Opening } from './local-days.ts';

/** An opening with why it is where it is. */
export interface ReasonedOpening extends Opening {
  readonly reason: TimingReason;
}

// Far enough to cross any holiday season; a schedule with no opening in a year is misconfigured.
const SEARCH_DAYS = 370;
/**
 * Where the lead's window and the team's day never meet, the rep gets one hour of the window:
 * its first when it opens after the team closes, its last when it closes before the team opens.
 * Not the whole stretch: a lead arriving in the middle of it would get a call due at once, in
 * the rep's night, and worked the next morning when the lead's window is long shut.
 */
const SLOT = HOUR;
const MAX_CACHED = 100_000;
const teamDays = new WeakMap<Schedule, Map<number, Opening[]>>();

/** The team's working stretches on one of its local days (none on a holiday), cached. */
function teamOpenings(number: number, schedule: Schedule): Opening[] {
  let cache = teamDays.get(schedule);
  if (!cache) {
    cache = new Map();
    teamDays.set(schedule, cache);
  }
  let found = cache.get(number);
  if (!found) {
    const day: LocalDay = localDay(schedule.teamZone, number);
    found = schedule.isHoliday(day.iso)
      ? []
      : (schedule.businessHours[day.weekday] ?? []).map((range) => localRange(day, range));
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(number, found);
  }
  return found;
}

function gap(a: Opening, b: Opening): number {
  return a.end <= b.start ? b.start - a.end : a.start - b.end;
}

/**
 * On a working day whose hours the lead's window does not meet, the stretch of that window
 * closest to them (a day either side): its first hour when it opens after the team closes, its
 * last hour when it closes before the team opens. Ties go to the later stretch, the lead's morning.
 * A stretch that meets another working day's hours is left to that day: the overlap wins.
 */
function closestStretch(
  number: number,
  team: readonly Opening[],
  place: LeadPlace,
  schedule: Schedule,
) {
  const first = team[0] as Opening;
  const last = team[team.length - 1] as Opening;
  const span = { start: first.start - DAY, end: last.end + DAY };
  const around = [-2, -1, 1, 2].flatMap((k) => teamOpenings(number + k, schedule));
  around.sort((a, b) => a.start - b.start);
  let best: Opening | undefined;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const stretch of leadStretches(span, place, schedule)) {
    if (intersect([stretch], around).length > 0) continue;
    const distance = Math.min(...team.map((t) => gap(stretch, t)));
    if (distance <= bestGap) {
      best = stretch;
      bestGap = distance;
    }
  }
  if (!best) return undefined;
  return best.end <= first.start
    ? { start: Math.max(best.start, best.end - SLOT), end: best.end }
    : { start: best.start, end: Math.min(best.end, best.start + SLOT) };
}

/**
 * The openings of one team day. Overlap of the team's hours and the lead's window when there
 * is one; else, for desk steps, the team's hours, and for calls and texts (`hard`), the
 * stretch of the lead's window closest to them. Decided per day, so the rule depends only on
 * the moment, never on where a search started.
 */
function dayOpenings(
  number: number,
  place: LeadPlace,
  schedule: Schedule,
  hard: boolean,
): { openings: readonly Opening[]; reason: TimingReason } {
  const team = teamOpenings(number, schedule);
  if (team.length === 0) return { openings: team, reason: 'overlap' };
  const span = { start: (team[0] as Opening).start, end: (team[team.length - 1] as Opening).end };
  const overlaps = intersect(team, leadStretches(span, place, schedule));
  if (overlaps.length > 0) return { openings: overlaps, reason: 'overlap' };
  if (!hard) return { openings: team, reason: 'team_hours' };
  const closest = closestStretch(number, team, place, schedule);
  return { openings: closest ? [closest] : [], reason: 'lead_window_only' };
}

/** Two weeks hold every weekday in each candidate zone: none shared means none ever is. */
const PROBE = 14 * DAY;

/**
 * The candidate zones whose windows are intersected: all of them while they share a stretch
 * (a safe window); only the lead's own zone (the most populous candidate) when they never do.
 */
function windowPlace(from: number, place: LeadPlace, schedule: Schedule): LeadPlace {
  if (place.zones.length < 2) return place;
  if (leadStretches({ start: from, end: from + PROBE }, place, schedule).length > 0) return place;
  return { ...place, zones: [place.zone] };
}

function firstAfter(
  from: number,
  n: number,
  place: LeadPlace,
  schedule: Schedule,
  hard: boolean,
): ReasonedOpening | undefined {
  const { openings, reason } = dayOpenings(n, place, schedule, hard);
  for (const window of openings) {
    if (window.end > from) return { start: Math.max(window.start, from), end: window.end, reason };
  }
  return undefined;
}

/**
 * The first moment at or after `from` when a step may be due, with the end of that stretch.
 * Calls and texts (`hard`) are only ever inside the lead's window; when no working day of the
 * team meets it for a year, the lead's window alone decides.
 */
export function nextOpening(
  from: number,
  candidates: LeadPlace,
  schedule: Schedule,
  hard: boolean,
): ReasonedOpening {
  const place = windowPlace(from, candidates, schedule);
  // A call's stretch may lie a day beyond the team day that chose it: start a day earlier.
  const first = dayNumberAt(from, schedule.teamZone) - (hard ? 1 : 0);
  for (let n = first; n < first + SEARCH_DAYS; n++) {
    const found = firstAfter(from, n, place, schedule, hard);
    if (!found) continue;
    if (found.reason !== 'lead_window_only') return found;
    // The next team day may have chosen an earlier stretch (the lead's window before it opens).
    const next = firstAfter(from, n + 1, place, schedule, hard);
    return next && next.start < found.start ? next : found;
  }
  if (hard) {
    for (let week = 0; week < SEARCH_DAYS / 7; week++) {
      const span = { start: from + week * 7 * DAY, end: from + (week + 1) * 7 * DAY };
      const [stretch] = leadStretches(span, place, schedule);
      if (stretch) return { ...stretch, reason: 'lead_window_only' };
    }
  }
  // Only a calendar whose every day for a year is off gets here.
  return { start: from, end: from, reason: hard ? 'lead_window_only' : 'team_hours' };
}

/** Start of the lead's local day `day` (day 1 = the day of `createdAt`). */
export function startOfLeadDay(createdAt: number, leadZone: string, day: number): number {
  return localDay(leadZone, dayNumberAt(createdAt, leadZone) + day - 1).start;
}

/** Start of the local day after the one containing `at`. */
export function startOfNextDay(at: number, zone: string): number {
  return localDay(zone, dayNumberAt(at, zone)).end;
}
