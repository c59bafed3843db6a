/**
 * ISO 8601 instants as the CRMs and the engine write them (`2026-03-02T14:05:00.000Z`), read
 * and written with plain arithmetic. `Date.parse` and `toISOString` were a fifth of the
 * engine's time; every other shape still goes through them, so the results are the same.
 */

const DAY = 86_400_000;
const MAX_DATES = 10_000;
/** `YYYY-MM-DD` per day number: a plan writes a few dates, mostly the same ones. */
const dates = new Map<number, string>();

/** `7` → `07`: hours, minutes, seconds, months and days in ISO and clock strings. */
export const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** The UTC calendar date of a day number (days since 1970-01-01), Howard Hinnant's algorithm. */
function civil(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function dateOf(days: number): string | undefined {
  let date = dates.get(days);
  if (date === undefined) {
    const [year, month, day] = civil(days);
    if (year < 1000 || year > 9999) return undefined;
    if (dates.size >= MAX_DATES) dates.clear();
    date = `${year}-${two(month)}-${two(day)}`;
    dates.set(days, date);
  }
  return date;
}

/** The same string as `new Date(ms).toISOString()`. */
export function isoOf(ms: number): string {
  const days = Math.floor(ms / DAY);
  const date = Number.isInteger(ms) ? dateOf(days) : undefined;
  if (date === undefined) return new Date(ms).toISOString();
  const rest = ms - days * DAY;
  const millis = rest % 1000;
  const seconds = Math.floor(rest / 1000);
  const frac = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : `${millis}`;
  return `${date}T${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${frac}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Digits `from` to `to` (exclusive) of `text`, or -1 if any is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The same number as `Date.parse(text)`. */
export function parseIso(text: string): number {
  if (
    text.length !== 24 ||
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':' ||
    text[19] !== '.' ||
    text[23] !== 'Z'
  ) {
    return Date.parse(text);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  const millis = digits(text, 20, 23);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (year < 1000 || day < 1 || day > monthDays || hour < 0 || hour > 23) return Date.parse(text);
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) {
    return Date.parse(text);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}
