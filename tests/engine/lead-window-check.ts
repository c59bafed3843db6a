/**
 * Independent checks of the lead's legal window, computed with luxon from the calendar date of
 * every candidate zone, not with the engine's code.
 */
import { DateTime } from 'luxon';
import type { LeadSnapshot, MinuteRange, Schedule, WeeklyHours } from '../../src/engine/types.ts';

const MINUTE = 60_000;

export function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/**
 * Every instant whose wall-clock time in `zone` is `minute` past midnight of `date`: two in a
 * DST overlap, and in a gap the instant luxon moves the wall time to.
 */
export function wallInstants(date: string, minute: number, zone: string): number[] {
  if (minute >= 1440) {
    return [DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day').toMillis()];
  }
  const guess = DateTime.fromISO(`${date}T${hhmm(minute)}`, { zone }).toMillis();
  const found: number[] = [];
  for (let k = -12; k <= 12; k++) {
    const candidate = guess + k * 15 * MINUTE;
    const local = DateTime.fromMillis(candidate, { zone });
    if (local.toISODate() === date && local.hour * 60 + local.minute === minute) {
      found.push(candidate);
    }
  }
  return found.length > 0 ? found : [guess];
}

function rangesOn(hours: MinuteRange | WeeklyHours, weekday: number): readonly MinuteRange[] {
  return Array.isArray(hours) ? ((hours as WeeklyHours)[weekday] ?? []) : [hours as MinuteRange];
}

/**
 * By the wall clock: where a DST change skips a start the range begins when the clock shows a
 * later time, and where a wall time happens twice either reading of the range is accepted.
 */
function inRanges(local: DateTime, ranges: readonly MinuteRange[]) {
  const minute = local.hour * 60 + local.minute + local.second / 60;
  return ranges.some((r) => r.start <= minute && minute < r.end);
}

/** Why `at` is outside the lead's window in one zone, or undefined when it is inside. */
function outsideInZone(
  at: number,
  zone: string,
  lead: LeadSnapshot['lead'],
  schedule: Schedule,
): string | undefined {
  const local = DateTime.fromMillis(at, { zone });
  const date = local.toISODate() ?? '';
  const j = lead.jurisdiction;
  if (j?.country && schedule.leadHolidays?.(j.country, date)) return `holiday ${date} in ${zone}`;
  if (!inRanges(local, rangesOn(schedule.contactHours, local.weekday))) {
    return `outside the contact hours in ${zone} (${local.toISO()})`;
  }
  for (const rule of j?.rules ?? []) {
    if (rule.isHoliday?.(date)) return `${rule.code} no-call day ${date}`;
    if (!inRanges(local, rule.hours[local.weekday] ?? [])) {
      return `outside ${rule.code} hours in ${zone} (${local.toISO()})`;
    }
  }
  return undefined;
}

/** Undefined when `at` lies in the lead's window in every candidate zone, else why not. */
export function outsideLeadWindow(
  at: number,
  lead: LeadSnapshot['lead'],
  schedule: Schedule,
): string | undefined {
  const zones = lead.jurisdiction?.zones.length ? lead.jurisdiction.zones : [lead.timezone];
  for (const zone of zones) {
    const why = outsideInZone(at, zone, lead, schedule);
    if (why) return why;
  }
  return undefined;
}
