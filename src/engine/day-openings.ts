/** A team day's openings for a lead: decided once per kind of step and lead, then reused. */
import { DayCache } from './day-cache.ts';
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
import { zonesKey } from './shared-window.ts';
import type { Schedule, TimingReason } from './types.ts';

/**
 * Where the lead's window and the team's day never meet, the rep gets one hour of the window:
 * its first when it opens after the team closes, its last when it closes before the team opens.
 * Not the whole stretch: a lead arriving in the middle of it would get a call due at once, in
 * the rep's night, and worked the next morning when the lead's window is long shut.
 */
const SLOT = HOUR;
const MAX_CACHED = 100_000;
const teamDays = new DayCache<Opening[]>(MAX_CACHED);

/** The team's working stretches on one of its local days (none on a holiday), cached. */
function teamOpenings(number: number, schedule: Schedule): Opening[] {
  const days = teamDays.of(schedule, '', '');
  const found = days.get(number);
  if (found) return found;
  const day: LocalDay = localDay(schedule.teamZone, number);
  const openings = schedule.isHoliday(day.iso)
    ? []
    : (schedule.businessHours[day.weekday] ?? []).map((range) => localRange(day, range));
  return teamDays.put(schedule, days, number, openings);
}

function gap(a: Opening, b: Opening): number {
  return a.end <= b.start ? b.start - a.end : a.start - b.end;
}

/**
 * On a working day whose hours the lead's window does not meet, the stretch of that window
 * closest to them (a day either side): its first hour when it opens after the team closes, its last
 * hour when it closes before the team opens. Ties go to the later stretch, the lead's morning.
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
 * The team's openings less the public holidays of the lead's country in the lead's own zone
 * (`LEAD_HOLIDAYS`): days without contact for desk steps too, so no email is due on Good Friday
 * in Berlin because the team in New York works that day.
 */
function offLeadHolidays(team: readonly Opening[], place: LeadPlace, schedule: Schedule) {
  const { country } = place;
  const isHoliday = schedule.leadHolidays;
  if (country === undefined || !isHoliday || team.length === 0) return team;
  let open: readonly Opening[] = team;
  const first = dayNumberAt((team[0] as Opening).start, place.zone);
  const last = dayNumberAt((team[team.length - 1] as Opening).end - 1, place.zone);
  for (let n = first; n <= last; n++) {
    const day = localDay(place.zone, n);
    if (!isHoliday(country, day.iso)) continue;
    open = open.flatMap((o) =>
      [
        { start: o.start, end: Math.min(o.end, day.start) },
        { start: Math.max(o.start, day.end), end: o.end },
      ].filter((part) => part.end > part.start),
    );
  }
  return open;
}

/**
 * The openings of one team day. Overlap of the team's hours and the lead's window when there
 * is one; else, for desk steps, the team's hours (less the lead's public holidays), and for calls and texts (`hard`), the
 * stretch of the lead's window closest to them. Decided per day, so the rule depends only on
 * the moment, never on where a search started.
 */
function dayOpenings(
  number: number,
  place: LeadPlace,
  schedule: Schedule,
  hard: boolean,
): DayOpenings {
  const team = teamOpenings(number, schedule);
  if (team.length === 0) return { openings: team, reason: 'overlap' };
  const span = { start: (team[0] as Opening).start, end: (team[team.length - 1] as Opening).end };
  const overlaps = intersect(team, leadStretches(span, place, schedule));
  if (overlaps.length > 0) return { openings: overlaps, reason: 'overlap' };
  if (!hard) return { openings: offLeadHolidays(team, place, schedule), reason: 'team_hours' };
  const closest = closestStretch(number, team, place, schedule);
  return { openings: closest ? [closest] : [], reason: 'lead_window_only' };
}

export interface DayOpenings {
  readonly openings: readonly Opening[];
  readonly reason: TimingReason;
}

const openingsCache = new DayCache<DayOpenings>(MAX_CACHED);

/**
 * A team day's openings for one kind of step and lead: they depend on nothing else (the rules
 * and country through the lead's kind, its zones, the schedule; for desk steps also the zone the
 * lead's holidays are read in), so each is decided once.
 */
export function openingsFor(place: LeadPlace, schedule: Schedule, hard: boolean) {
  return openingsCache.of(
    schedule,
    `${hard ? 'call' : `desk ${place.zone}`}|${place.key}`,
    zonesKey(place.zones),
  );
}

/** The openings of team day `n`, from `days` (as `openingsFor` gave it) or decided now. */
export function openingsOn(
  n: number,
  days: Map<number, DayOpenings>,
  place: LeadPlace,
  schedule: Schedule,
  hard: boolean,
): DayOpenings {
  return days.get(n) ?? openingsCache.put(schedule, days, n, dayOpenings(n, place, schedule, hard));
}
