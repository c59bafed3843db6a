import Holidays from 'date-holidays';
import type { Parsed } from './hours.ts';

// Observances (Valentine's Day, Halloween) and optional days are working days.
const DAYS_OFF = new Set(['public', 'bank']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface HolidaySpec {
  /** Country codes with an optional region, e.g. `US` or `DE-BY`. */
  readonly regions: readonly string[];
  /** Extra `YYYY-MM-DD` dates off. */
  readonly dates: readonly string[];
  /**
   * date-holidays day rules, days off every year: `easter -2` (Good Friday),
   * `tuesday after 1st monday in November` (Election Day). For the days a region's calendar lacks.
   */
  readonly rules?: readonly string[];
}

// A rule is words, numbers and signs; commas separate items. Capped so parsing stays cheap.
const DAY_RULE = /^[a-z0-9 +-]{3,60}$/i;

function isDayRule(text: string): boolean {
  return DAY_RULE.test(text) && new Holidays().setHoliday(text, { name: text, type: 'public' });
}

function isRealDate(text: string): boolean {
  // Month 13 makes an Invalid Date (toISOString would throw); day 30 of February rolls over.
  const time = Date.parse(`${text}T00:00:00Z`);
  return DATE.test(text) && Number.isFinite(time) && new Date(time).toISOString().startsWith(text);
}

// A date in a day rule (`12-25`, `2026-12-24`); one after `since` or `prior to` bounds the rule.
const RULE_DATE = /(^|\s)(?<!(?:since|to)\s)\d{1,4}-\d{1,2}(-\d{1,2})?(?=\s|$)/gi;

/**
 * date-holidays reads the first date of `2026-12-24 2026-12-31` and drops the rest without a
 * word, so a list with a missing comma would lose every day but its first.
 */
function datesInRule(text: string): number {
  return text.match(RULE_DATE)?.length ?? 0;
}

/**
 * Parses `HOLIDAYS`: comma-separated country[-region] codes, `YYYY-MM-DD` dates and/or
 * date-holidays day rules (an item with a space, like `easter -2`).
 */
export function parseHolidays(text: string): Parsed<HolidaySpec> {
  const regions: string[] = [];
  const dates: string[] = [];
  const rules: string[] = [];
  const catalogue = new Holidays();
  const countries = catalogue.getCountries();
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (DATE.test(item)) {
      if (!isRealDate(item)) return { ok: false, error: `"${item}" is not a calendar date` };
      dates.push(item);
      continue;
    }
    if (/\s/.test(item)) {
      if (datesInRule(item) > 1) {
        return {
          ok: false,
          error: `"${item}" holds more than one date: separate dates with commas`,
        };
      }
      if (!isDayRule(item)) {
        return { ok: false, error: `"${item}" is not a date-holidays day rule like "easter -2"` };
      }
      rules.push(item);
      continue;
    }
    const [country = '', region, ...rest] = item.toUpperCase().split('-');
    if (rest.length > 0 || !(country in countries)) {
      return {
        ok: false,
        error: `"${item}" is neither a YYYY-MM-DD date nor a known country code`,
      };
    }
    if (region !== undefined && !(region in (catalogue.getStates(country) ?? {}))) {
      return { ok: false, error: `"${item}": ${country} has no region "${region}"` };
    }
    regions.push(region === undefined ? country : `${country}-${region}`);
  }
  return { ok: true, value: { regions, dates, ...(rules.length > 0 ? { rules } : {}) } };
}

const DAY_MS = 86_400_000;

interface Listed {
  readonly date: string;
  readonly start: Date;
  readonly end: Date;
}

/**
 * Every date a holiday covers: most last a day, some several (Korea's Chuseok and Seollal, three
 * days; Russia's New Year holidays, five; Eid in many countries, three or four; a rule's `P3D`).
 * A holiday from 14:00 (Christmas Eve in Germany) still takes its date.
 */
function datesOf(holiday: Listed): string[] {
  const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
  const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
  return Array.from({ length: days }, (_, k) =>
    new Date(first + k * DAY_MS).toISOString().slice(0, 10),
  );
}

/** The calendar's days off in `year`, and those of last year's holidays that run into it. */
function listedDays(calendar: Holidays, year: number, keep: (h: { type: string }) => boolean) {
  return [year - 1, year].flatMap((y) => calendar.getHolidays(y).filter(keep).flatMap(datesOf));
}

function daysOff(region: string, year: number): string[] {
  const [country = '', state] = region.split('-');
  const calendar = state === undefined ? new Holidays(country) : new Holidays(country, state);
  return listedDays(calendar, year, (h) => DAYS_OFF.has(h.type));
}

function ruleDays(rules: readonly string[], year: number): string[] {
  const calendar = new Holidays();
  for (const rule of rules) calendar.setHoliday(rule, { name: rule, type: 'public' });
  return listedDays(calendar, year, () => true);
}

/** A `YYYY-MM-DD` predicate over the spec; each year's dates are computed once, when first asked. */
export function holidayCalendar(spec: HolidaySpec): (isoDate: string) => boolean {
  const explicit = new Set(spec.dates);
  const rules = spec.rules ?? [];
  const years = new Map<string, Set<string>>();
  return (isoDate) => {
    if (explicit.has(isoDate)) return true;
    if (spec.regions.length === 0 && rules.length === 0) return false;
    const year = isoDate.slice(0, 4);
    let off = years.get(year);
    if (!off) {
      const days = spec.regions.flatMap((r) => daysOff(r, Number(year)));
      off = new Set([...days, ...(rules.length > 0 ? ruleDays(rules, Number(year)) : [])]);
      years.set(year, off);
    }
    return off.has(isoDate);
  };
}
