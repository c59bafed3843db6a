import { type DayOpenings, openingsFor, openingsOn } from './day-openings.ts';
import { type LeadPlace, leadStretches } from './lead-window.ts';
import { DAY, dayNumberAt, localDay, MINUTE, type Opening } from './local-days.ts';
import { sharesStretch } from './shared-window.ts';
import type { Schedule, TimingReason } from './types.ts';

export type { Opening } from './local-days.ts';

/** An opening with why it is where it is. */
export interface ReasonedOpening extends Opening {
  readonly reason: TimingReason;
}

// Far enough to cross any holiday season; a schedule with no opening in a year is misconfigured.
const SEARCH_DAYS = 370;

/** Two weeks hold every weekday in each candidate zone: none shared means none ever is. */
const PROBE = 14 * DAY;

/**
 * The candidate zones whose windows are intersected: all of them while they share a stretch
 * (a safe window). When they never do, the lead's own zone (the most populous candidate) and
 * the other candidates taken one by one, in the order listed, each kept when it still shares a
 * stretch with those kept before it (a greedy choice, not the largest set): never one zone alone
 * while more can be kept (a lead in New York, Los Angeles or Tokyo is called when it is
 * calling time in New York and Los Angeles, not at 09:00 New York, 06:00 in Los Angeles).
 */
function windowPlace(from: number, place: LeadPlace, schedule: Schedule): LeadPlace {
  if (place.zones.length < 2) return place;
  const probe = { start: from, end: from + PROBE };
  if (sharesStretch(probe, place, schedule)) return place;
  let zones = [place.zone];
  for (const zone of place.zones) {
    if (zones.includes(zone)) continue;
    const wider = [...zones, zone];
    if (sharesStretch(probe, { ...place, zones: wider }, schedule)) zones = wider;
  }
  return { ...place, zones };
}

function firstAfter(
  from: number,
  n: number,
  days: Map<number, DayOpenings>,
  place: LeadPlace,
  schedule: Schedule,
  hard: boolean,
): ReasonedOpening | undefined {
  const { openings, reason } = openingsOn(n, days, place, schedule, hard);
  for (const window of openings) {
    if (window.end > from) return { start: Math.max(window.start, from), end: window.end, reason };
  }
  return undefined;
}

/** An opening, and the candidate zones whose windows it was read in (see `windowPlace`). */
export interface PlacedOpening extends ReasonedOpening {
  readonly zones: readonly string[];
}

/**
 * The first moment at or after `from` when a step may be due, with the end of that stretch and
 * the zones it was read in. Calls and texts (`hard`) are only ever inside the lead's window;
 * when no working day of the team meets it for a year, the lead's window alone decides.
 */
export function nextOpening(
  from: number,
  candidates: LeadPlace,
  schedule: Schedule,
  hard: boolean,
): PlacedOpening {
  const place = windowPlace(from, candidates, schedule);
  return { ...openingIn(from, place, schedule, hard), zones: place.zones };
}

function openingIn(
  from: number,
  place: LeadPlace,
  schedule: Schedule,
  hard: boolean,
): ReasonedOpening {
  const days = openingsFor(place, schedule, hard);
  // A call's stretch may lie a day beyond the team day that chose it: start a day earlier.
  const first = dayNumberAt(from, schedule.teamZone) - (hard ? 1 : 0);
  for (let n = first; n < first + SEARCH_DAYS; n++) {
    const found = firstAfter(from, n, days, place, schedule, hard);
    if (!found) continue;
    if (found.reason !== 'lead_window_only') return found;
    // The next team day may have chosen an earlier stretch (the lead's window before it opens).
    const next = firstAfter(from, n + 1, days, place, schedule, hard);
    return next && next.start < found.start ? next : found;
  }
  const stretch = hard ? stretchFrom(from, place, schedule) : undefined;
  if (stretch) return { ...stretch, reason: 'lead_window_only' };
  // Only a calendar whose every day for a year is off gets here. A call or text is then never
  // due (the lead's window is empty: contact hours the calling rules leave no time in).
  return { start: from, end: from, reason: hard ? 'no_lawful_moment' : 'team_hours' };
}

/**
 * The first moment at or after `from` inside the lead's window, in the zones `nextOpening` reads
 * it in, whatever the team's hours: `from` itself when the window holds it. Undefined when the
 * window has no moment for a year (a calendar whose every day is off).
 */
export function firstLawful(
  from: number,
  candidates: LeadPlace,
  schedule: Schedule,
): PlacedOpening | undefined {
  const place = windowPlace(from, candidates, schedule);
  const { zones } = place;
  // A minute first: most due times asked about are lawful, and a week's stretches cost more.
  const [now] = leadStretches({ start: from, end: from + MINUTE }, place, schedule);
  if (now && now.start === from) return { ...now, reason: 'lead_window_only', zones };
  const stretch = stretchFrom(from, place, schedule);
  return stretch && { ...stretch, reason: 'lead_window_only', zones };
}

/** The lead's first stretch at or after `from` within a year, whatever the team's hours. */
function stretchFrom(from: number, place: LeadPlace, schedule: Schedule): Opening | undefined {
  for (let week = 0; week < SEARCH_DAYS / 7; week++) {
    const span = { start: from + week * 7 * DAY, end: from + (week + 1) * 7 * DAY };
    const [stretch] = leadStretches(span, place, schedule);
    if (stretch) return stretch;
  }
  return undefined;
}

/** Start of the lead's local day `day` (day 1 = the day of `createdAt`). */
export function startOfLeadDay(createdAt: number, leadZone: string, day: number): number {
  return localDay(leadZone, dayNumberAt(createdAt, leadZone) + day - 1).start;
}

/** Start of the local day after the one containing `at`. */
export function startOfNextDay(at: number, zone: string): number {
  return localDay(zone, dayNumberAt(at, zone)).end;
}
