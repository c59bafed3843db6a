import type { MinuteRange } from '../engine/types.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
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
    const a = WEEKDAYS.indexOf(first.trim().slice(0, 3));
    const b = WEEKDAYS.indexOf(last.trim().slice(0, 3));
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
  for (const ranges of week) {
    ranges.sort((x, y) => x.start - y.start);
    if (ranges.some((r, i) => i > 0 && r.start < (ranges[i - 1]?.end ?? 0))) {
      return { ok: false, error: 'ranges of the same day overlap' };
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

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Weekly hours as `BUSINESS_HOURS` writes them, runs of equal days joined: `Mon-Fri 08:00-20:00`. */
export function formatWeeklyHours(week: readonly (readonly MinuteRange[])[]): string {
  const text = (d: number) =>
    (week[d] ?? []).map((r) => `${clock(r.start)}-${clock(r.end)}`).join(',');
  const groups: string[] = [];
  for (let d = 1; d <= 7; d++) {
    const ranges = text(d);
    if (ranges === '') continue;
    let last = d;
    while (last < 7 && text(last + 1) === ranges) last++;
    const days = last === d ? WEEKDAYS[d - 1] : `${WEEKDAYS[d - 1]}-${WEEKDAYS[last - 1]}`;
    groups.push(`${(days ?? '').replace(/\b\w/g, (c) => c.toUpperCase())} ${ranges}`);
    d = last;
  }
  return groups.join('; ');
}
