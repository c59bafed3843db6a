import { DayCache } from './day-cache.ts';
import {
  DAY,
  dayNumberAt,
  intersect,
  intersectRanges,
  type LocalDay,
  localDay,
  localRange,
  type Opening,
} from './local-days.ts';
import type {
  CallingRule,
  LeadSnapshot,
  MinuteRange,
  Schedule,
  TimingReason,
  WeeklyHours,
} from './types.ts';

/** At most `max` calls and texts in any rolling `period` milliseconds, by the rule `code`. */
export interface CallCap {
  readonly max: number;
  readonly period: number;
  readonly code: string;
}

const PERIODS = [
  ['maxPer24h', DAY],
  ['maxPer30Days', 30 * DAY],
] as const;

/** A lead's place in time and law, as the window search needs it. */
export interface LeadPlace {
  /** The zone its days are counted in. */
  readonly zone: string;
  /** Every candidate zone: the window is the intersection of the window in each. */
  readonly zones: readonly string[];
  readonly country: string | undefined;
  readonly rules: readonly CallingRule[];
  /** The smallest cap per period among the rules, each with its rule's code. */
  readonly caps: readonly CallCap[];
  /**
   * Identifies the window's inputs in the per-day cache (with the zone and the schedule): a
   * rule's code stands for the rule, as one rules file holds one row per jurisdiction.
   */
  readonly key: string;
}

export function leadPlace(lead: LeadSnapshot['lead']): LeadPlace {
  const j = lead.jurisdiction;
  const zones = j && j.zones.length > 0 ? j.zones : [lead.timezone];
  const rules = j?.rules ?? [];
  const caps: CallCap[] = [];
  for (const [field, period] of PERIODS) {
    let cap: CallCap | undefined;
    for (const rule of rules) {
      const max = rule[field];
      if (max !== undefined && (!cap || max < cap.max)) cap = { max, period, code: rule.code };
    }
    if (cap) caps.push(cap);
  }
  const country = j?.country;
  const key = `${country ?? ''}|${rules.map((r) => r.code).join(',')}`;
  return { zone: lead.timezone, zones, country, rules, caps, key };
}

const DESK = new WeakMap<LeadPlace, LeadPlace>();

/**
 * The place a desk step (email, social, task) is timed by: the lead's zones, contact hours and
 * country holidays, without the calling rules, which govern calls and texts only.
 */
export function deskPlace(place: LeadPlace): LeadPlace {
  if (place.rules.length === 0) return place;
  let desk = DESK.get(place);
  if (!desk) {
    desk = { ...place, rules: [], caps: [], key: `${place.country ?? ''}|` };
    DESK.set(place, desk);
  }
  return desk;
}

const EVERY_DAY = new WeakMap<MinuteRange, WeeklyHours>();

/** The contact window per weekday: a bare range means every day. */
export function weeklyHoursOf(hours: MinuteRange | WeeklyHours): WeeklyHours {
  if (Array.isArray(hours)) return hours as WeeklyHours;
  const range = hours as MinuteRange;
  let week = EVERY_DAY.get(range);
  if (!week) {
    week = [[], ...Array.from({ length: 7 }, () => [range])];
    EVERY_DAY.set(range, week);
  }
  return week;
}

/** Why a lead-local day has no contact at all, if it is a holiday: the reason to report. */
export function holidayOf(day: LocalDay, place: LeadPlace, schedule: Schedule): string | undefined {
  if (place.country && schedule.leadHolidays?.(place.country, day.iso)) return place.country;
  for (const rule of place.rules) if (rule.isHoliday?.(day.iso)) return rule.code;
  return undefined;
}

/** The stretches of a weekday's `ranges` that every rule allows too. */
export function ruledRanges(
  ranges: readonly MinuteRange[],
  rules: readonly CallingRule[],
  weekday: number,
): readonly MinuteRange[] {
  let allowed = ranges;
  for (const rule of rules) allowed = intersectRanges(allowed, rule.hours[weekday] ?? []);
  return allowed;
}

function ownWindow(day: LocalDay, place: LeadPlace, schedule: Schedule): Opening[] {
  if (holidayOf(day, place, schedule) !== undefined) return [];
  const hours = weeklyHoursOf(schedule.contactHours)[day.weekday] ?? [];
  return ruledRanges(hours, place.rules, day.weekday).map((r) => localRange(day, r));
}

const MAX_CACHED = 200_000;
const windows = new DayCache<Opening[]>(MAX_CACHED);

/** The lead's window on one local day of one zone, cached per schedule, lead kind and day. */
function dayWindow(
  zone: string,
  number: number,
  days: Map<number, Opening[]>,
  place: LeadPlace,
  schedule: Schedule,
) {
  return (
    days.get(number) ??
    windows.put(schedule, days, number, ownWindow(localDay(zone, number), place, schedule))
  );
}

/** The window of one zone over `span`, adjacent stretches joined (a 24:00 end meets 00:00). */
function zoneStretches(span: Opening, zone: string, place: LeadPlace, schedule: Schedule) {
  const out: Opening[] = [];
  const days = windows.of(schedule, place.key, zone);
  for (let n = dayNumberAt(span.start, zone); ; n++) {
    if (localDay(zone, n).start >= span.end) break;
    for (const w of dayWindow(zone, n, days, place, schedule)) {
      const start = Math.max(w.start, span.start);
      const end = Math.min(w.end, span.end);
      if (end <= start) continue;
      const last = out[out.length - 1];
      if (last && last.end >= start) out[out.length - 1] = { start: last.start, end };
      else out.push({ start, end });
    }
  }
  return out;
}

/** The stretches of `span` in which the lead may be called: its window in every candidate zone. */
export function leadStretches(span: Opening, place: LeadPlace, schedule: Schedule): Opening[] {
  let result: Opening[] | undefined;
  for (const zone of place.zones) {
    const own = zoneStretches(span, zone, place, schedule);
    result = result === undefined ? own : intersect(result, own);
    if (result.length === 0) break;
  }
  return result ?? [];
}

/** A no-call day of the lead a step was moved past, and whose it is (`DE`, `LA`). */
export interface MovedPast {
  readonly day: LocalDay;
  readonly code: string;
}

/** The lead's no-call days between the earliest moment a step could have had and its moment. */
export function holidaysPassed(
  earliest: number,
  chosen: number,
  place: LeadPlace,
  schedule: Schedule,
): MovedPast[] {
  const passed: MovedPast[] = [];
  const last = dayNumberAt(chosen, place.zone);
  for (let n = Math.max(dayNumberAt(earliest, place.zone), last - 40); n < last; n++) {
    const day = localDay(place.zone, n);
    const code = holidayOf(day, place, schedule);
    if (code !== undefined) passed.push({ day, code });
  }
  return passed;
}

/**
 * `moved_past_holiday:XX` when a holiday of the lead lies between the earliest moment a step
 * could have had and the moment it got; else `fallback`.
 */
export function explainHoliday(
  earliest: number,
  chosen: number,
  place: LeadPlace,
  schedule: Schedule,
  fallback: TimingReason,
): TimingReason {
  if (!place.country && !place.rules.some((r) => r.isHoliday)) return fallback;
  const [first] = holidaysPassed(earliest, chosen, place, schedule);
  return first ? `moved_past_holiday:${first.code}` : fallback;
}
