import type { MinuteRange } from '../engine/types.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * A day's index from its name or a start of it of 3 letters or more (`Mon`, `Tues`, `Thursday`),
 * or `Weds`; not any word that starts like one (`Monkey`, `Sunshine`).
 */
function weekdayOf(text: string): number {
  if (text === 'weds') return 2;
  return text.length < 3 ? -1 : DAY_NAMES.findIndex((name) => name.startsWith(text));
}
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minuteOf(text: string): number | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  return m[1] === undefined ? 1440 : Number(m[1]) * 60 + Number(m[2]);
}

/** Parses `HH:MM-HH:MM` (24-hour clock, `24:00` allowed as the end). */
export function parseRange(text: string): Parsed<MinuteRange> {
  const [from = '', to = '', ...rest] = text.trim().split('-');
  const start = minuteOf(from.trim());
  const end = minuteOf(to.trim());
  if (rest.length > 0 || start === undefined || end === undefined || start >= 1440) {
    return { ok: false, error: `"${text.trim()}" is not a time range like 09:00-17:00` };
  }
  if (end <= start) {
    return {
      ok: false,
      error: `"${text.trim()}" ends before it starts (overnight ranges are not supported)`,
    };
  }
  return { ok: true, value: { start, end } };
}

function parseDays(text: string): Parsed<number[]> {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [first = '', last = first, ...rest] = part.trim().split('-');
    const a = weekdayOf(first.trim());
    const b = weekdayOf(last.trim());
    if (rest.length > 0 || a < 0 || b < 0 || a > b) {
      return { ok: false, error: `"${part.trim()}" is not a day or day range like Mon-Fri` };
    }
    for (let d = a; d <= b; d++) days.add(d + 1);
  }
  return { ok: true, value: [...days] };
}

/**
 * Parses weekly hours such as `Mon-Fri 09:00-17:00` or
 * `Mon-Thu 08:30-12:00,13:00-17:30; Fri 09:00-15:00` into ranges per ISO weekday (1 = Monday).
 */
export function parseWeeklyHours(text: string): Parsed<MinuteRange[][]> {
  const week: MinuteRange[][] = Array.from({ length: 8 }, () => []);
  for (const group of text.split(';')) {
    const m = /^\s*(\S+)\s+(.+?)\s*$/.exec(group);
    if (!m) return { ok: false, error: `"${group.trim()}" is not like "Mon-Fri 09:00-17:00"` };
    const days = parseDays(m[1] ?? '');
    if (!days.ok) return days;
    for (const rangeText of (m[2] ?? '').split(',')) {
      const range = parseRange(rangeText);
      if (!range.ok) return range;
      for (const d of days.value) week[d]?.push(range.value);
    }
  }
  for (const [day, ranges] of week.entries()) {
    ranges.sort((x, y) => x.start - y.start);
    const i = ranges.findIndex((r, k) => k > 0 && r.start < (ranges[k - 1]?.end ?? 0));
    const [earlier, later] = [ranges[i - 1], ranges[i]];
    if (earlier && later) {
      const name = WEEKDAYS[day - 1] ?? '';
      return {
        ok: false,
        error: `${formatRange(earlier)} and ${formatRange(later)} overlap on ${name.charAt(0).toUpperCase()}${name.slice(1)}`,
      };
    }
  }
  return { ok: true, value: week };
}

/**
 * Parses `LEAD_CONTACT_HOURS`: weekly hours like `BUSINESS_HOURS`, or a bare range such as
 * `08:00-20:00`, which keeps meaning every day so that existing settings keep working.
 */
export function parseContactHours(text: string): Parsed<MinuteRange | MinuteRange[][]> {
  return /[a-z]/i.test(text) ? parseWeeklyHours(text) : parseRange(text);
}

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** `09:00-17:00`: a range as `parseRange` reads it. */
export function formatRange(range: MinuteRange): string {
  return `${clock(range.start)}-${clock(range.end)}`;
}

/**
 * Weekly hours as `parseWeeklyHours` reads them, consecutive days with the same hours grouped:
 * `Mon-Fri 09:00-17:00`. Shown at start-up and on the preview page, so people see the hours
 * the service really uses.
 */
export function formatWeeklyHours(week: readonly (readonly MinuteRange[])[]): string {
  const groups: { first: number; last: number; text: string }[] = [];
  for (let day = 1; day <= 7; day++) {
    const text = (week[day] ?? []).map(formatRange).join(',');
    const previous = groups.at(-1);
    if (text && previous?.text === text && previous.last === day - 1) previous.last = day;
    else if (text) groups.push({ first: day, last: day, text });
  }
  const name = (day: number) => {
    const text = WEEKDAYS[day - 1] ?? '';
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  const days = (g: { first: number; last: number }) =>
    g.first === g.last ? name(g.first) : `${name(g.first)}-${name(g.last)}`;
  return groups.map((g) => `${days(g)} ${g.text}`).join('; ') || 'none';
}
