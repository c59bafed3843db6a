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
}

function isRealDate(text: string): boolean {
  return DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

/** Parses `HOLIDAYS`: comma-separated country[-region] codes and/or `YYYY-MM-DD` dates. */
export function parseHolidays(text: string): Parsed<HolidaySpec> {
  const regions: string[] = [];
  const dates: string[] = [];
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
  return { ok: true, value: { regions, dates } };
}

function daysOff(region: string, year: number): string[] {
  const [country = '', state] = region.split('-');
  const calendar = state === undefined ? new Holidays(country) : new Holidays(country, state);
  return calendar
    .getHolidays(year)
    .filter((h) => DAYS_OFF.has(h.type))
    .map((h) => h.date.slice(0, 10));
}

/** A `YYYY-MM-DD` predicate over the spec; each year's dates are computed once, when first asked. */
export function holidayCalendar(spec: HolidaySpec): (isoDate: string) => boolean {
  const explicit = new Set(spec.dates);
  const years = new Map<string, Set<string>>();
  return (isoDate) => {
    if (explicit.has(isoDate)) return true;
    if (spec.regions.length === 0) return false;
    const year = isoDate.slice(0, 4);
    let off = years.get(year);
    if (!off) {
      off = new Set(spec.regions.flatMap((r) => daysOff(r, Number(year))));
      years.set(year, off);
    }
    return off.has(isoDate);
  };
}
