import { formatWeeklyHours } from '../config/hours.ts';
import { weeklyHoursOf } from '../engine/lead-window.ts';
import type { Schedule } from '../engine/types.ts';
import type { ResolvedLead } from '../timezone/lead-jurisdiction.ts';

/**
 * The lead's legal window as a preview shows it: contact hours, whose holidays are days off and
 * the calling rules that apply (the zones it is read in are the preview's `candidates`).
 */
export function describeWindow(place: ResolvedLead, schedule: Schedule) {
  return {
    contactHours: formatWeeklyHours(weeklyHoursOf(schedule.contactHours)),
    holidaysOf: schedule.leadHolidays && place.country ? place.country : null,
    usState: place.state ?? null,
    rules: place.jurisdiction.rules.map((rule) => ({
      code: rule.code,
      hours: formatWeeklyHours(rule.hours),
      noCallsOnHolidays: rule.isHoliday !== undefined,
      maxPer24h: rule.maxPer24h ?? null,
      maxPer30Days: rule.maxPer30Days ?? null,
    })),
  };
}
