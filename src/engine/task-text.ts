import { zoneNamed } from './cached-zone.ts';
import { two } from './iso-time.ts';
import { DAY, MINUTE } from './local-days.ts';

/** "America/New_York" → "New York": the place a rep recognises. */
function placeName(zone: string): string {
  return (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
}

/** `HH:mm` in `zone`, as luxon's `toFormat('HH:mm')` gives it, from the cached offset. */
function clock(at: number, zone: string): string {
  const local = at + zoneNamed(zone).offset(at) * MINUTE;
  const minutes = Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
  return `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`;
}

/**
 * The line a call or text for a lead under state calling rules carries, so that a rep who
 * works the task later than it is due still calls within the law, and knows why it is due when
 * it is: "Calling rules, in Chicago time: Tex. Bus. & Com. Code § 301.051: …".
 */
export function callingRulesLine(notices: readonly string[], leadZone: string): string {
  return `Calling rules, in ${placeName(leadZone)} time: ${notices.join('. ')}.`;
}

/**
 * The one line a call or text due outside the team's hours carries, so the rep knows why:
 * "Outside your hours: 09:00 in Tokyo is 19:00 in New York".
 */
export function outsideHoursLine(at: number, leadZone: string, teamZone: string): string {
  return `Outside your hours: ${clock(at, leadZone)} in ${placeName(leadZone)} is ${clock(at, teamZone)} in ${placeName(teamZone)}. The lead's calling window and your hours do not meet that day.`;
}
