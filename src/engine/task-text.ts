import { DateTime } from 'luxon';
import { zoneNamed } from './cached-zone.ts';

/** "America/New_York" → "New York": the place a rep recognises. */
function placeName(zone: string): string {
  return (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
}

function clock(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone: zoneNamed(zone) }).toFormat('HH:mm');
}

/**
 * The one line a call or text due outside the team's hours carries, so the rep knows why:
 * "Outside your hours: 09:00 in Tokyo is 19:00 in New York".
 */
export function outsideHoursLine(at: number, leadZone: string, teamZone: string): string {
  return `Outside your hours: ${clock(at, leadZone)} in ${placeName(leadZone)} is ${clock(at, teamZone)} in ${placeName(teamZone)}. The lead's calling window and your hours do not meet that day.`;
}
