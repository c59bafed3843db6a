import type { Schedule } from '../engine/types.ts';
import type { Config } from './config.ts';
import { holidayCalendar } from './holidays.ts';

/** The engine's view of the team's calendar, built once from the configuration. */
export function scheduleFrom(config: Config): Schedule {
  return {
    teamZone: config.timezone,
    businessHours: config.businessHours,
    contactHours: config.leadContactHours,
    isHoliday: holidayCalendar(config.holidays),
  };
}
