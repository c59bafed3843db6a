import Holidays from 'date-holidays';
import type { Schedule } from '../engine/types.ts';
import type { Config } from './config.ts';
import { holidayCalendar } from './holidays.ts';

/**
 * Public holidays per lead country (`DE`, `US`), each country's calendar built when first
 * asked. A country date-holidays does not know has none.
 */
export function leadHolidayCalendar(): (country: string, isoDate: string) => boolean {
  const known = new Holidays().getCountries();
  const calendars = new Map<string, (isoDate: string) => boolean>();
  return (country, isoDate) => {
    let calendar = calendars.get(country);
    if (!calendar) {
      calendar =
        country in known ? holidayCalendar({ regions: [country], dates: [] }) : () => false;
      calendars.set(country, calendar);
    }
    return calendar(isoDate);
  };
}

/** The engine's view of the team's calendar, built once from the configuration. */
export function scheduleFrom(config: Config): Schedule {
  return {
    teamZone: config.timezone,
    businessHours: config.businessHours,
    contactHours: config.leadContactHours,
    isHoliday: holidayCalendar(config.holidays),
    ...(config.leadHolidays ? { leadHolidays: leadHolidayCalendar() } : {}),
    loggedAttemptLeadMinutes: config.loggedAttemptLeadMinutes,
  };
}
