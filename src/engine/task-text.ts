/** The lines a call or text task carries to say why it is due when it is. */
import { zoneNamed } from './cached-zone.ts';
import { two } from './iso-time.ts';
import type { MovedPast } from './lead-window.ts';
import { DAY, dayNumberAt, type LocalDay, localDay, MINUTE } from './local-days.ts';
import type { Channel } from './types.ts';

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

/**
 * The line a call or text for a lead whose zone is uncertain carries, so the rep knows why it
 * is due when it is and stays within every zone the lead may be in: "Time zone uncertain: the
 * lead may be in any of 12 zones, so calls and texts are due only while it is calling time in
 * all of them. 11:00 in Sydney is 08:00 in Perth." The zones with the earliest and the latest clock
 * at `at` are named, the lead's own zone standing for its clock when it shares it.
 */
export function uncertainZoneLine(at: number, leadZone: string, zones: readonly string[]): string {
  const own = zoneNamed(leadZone).offset(at);
  let west = { zone: leadZone, offset: own };
  let east = west;
  // Each zone's offset once; on a tie the lead's own zone, then the first name, stands.
  for (const zone of zones) {
    const offset = zoneNamed(zone).offset(at);
    if (
      offset < west.offset ||
      (offset === west.offset && west.zone !== leadZone && zone < west.zone)
    ) {
      west = { zone, offset };
    }
    if (
      offset > east.offset ||
      (offset === east.offset && east.zone !== leadZone && zone < east.zone)
    ) {
      east = { zone, offset };
    }
  }
  const others = [west, east]
    .filter((edge, i) => edge.offset !== own && (i === 0 || edge.offset !== west.offset))
    .map(({ zone }) => `${clock(at, zone)} in ${placeName(zone)}`);
  const why = `Time zone uncertain: the lead may be in any of ${zones.length} zones, so calls and texts are due only while it is calling time in all of them.`;
  if (others.length === 0) return why;
  return `${why} ${clock(at, leadZone)} in ${placeName(leadZone)} is ${others.join(' and ')}.`;
}

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** "Fri 26 Mar" */
function dayName({ day }: { readonly day: LocalDay }): string {
  const [, month, date] = day.iso.split('-');
  return `${WEEKDAYS[day.weekday]} ${Number(date)} ${MONTHS[Number(month) - 1]}`;
}

/** `the PA calling rules`; for a US lead whose state is unknown, every state's. */
function rulesName(code: string): string {
  return code === 'ANY-STATE'
    ? "the calling rules of every US state (the lead's state is unknown)"
    : `the ${code} calling rules`;
}

/**
 * The line a call or text moved past the lead's no-call days carries, so a rep who sees a
 * German lead's first call due four days on knows why: "Not earlier: Fri 26 Mar and Mon 29 Mar
 * are public holidays where the lead is (DE)."
 */
export function holidayLine(passed: readonly MovedPast[], country: string | undefined): string {
  const parts: string[] = [];
  for (const code of new Set(passed.map((p) => p.code))) {
    const days = passed.filter((p) => p.code === code).map(dayName);
    const one = days.length === 1;
    const list = one ? days[0] : `${days.slice(0, -1).join(', ')} and ${days[days.length - 1]}`;
    parts.push(
      code === country
        ? `${list} ${one ? 'is a public holiday' : 'are public holidays'} where the lead is (${code})`
        : `${list} ${one ? 'is a day' : 'are days'} without calls under ${rulesName(code)}`,
    );
  }
  return `Not earlier: ${parts.join('; ')}.`;
}

/**
 * The line a call or text due shortly before the lead's window closes carries, so a rep who
 * opens it a little late does not call after hours: "The lead's calling window closes at 20:00
 * in New York (17:00 in Los Angeles): call before then."
 */
export function closingLine(
  at: number,
  leadZone: string,
  teamZone: string,
  channel: Channel,
): string {
  const here = `${clock(at, leadZone)} in ${placeName(leadZone)}`;
  const yours =
    clock(at, teamZone) === clock(at, leadZone) && placeName(teamZone) === placeName(leadZone)
      ? ''
      : ` (${clock(at, teamZone)} in ${placeName(teamZone)})`;
  return `The lead's calling window closes at ${here}${yours}: ${channel === 'sms' ? 'text' : 'call'} before then.`;
}

/** "Fri 4 Dec 18:40" in `zone`, from the cached offset. */
function dayAndClock(at: number, zone: string): string {
  const local = new Date(at + zoneNamed(zone).offset(at) * MINUTE);
  const weekday = WEEKDAYS[local.getUTCDay() === 0 ? 7 : local.getUTCDay()];
  return `${weekday} ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${clock(at, zone)}`;
}

/**
 * The line a step due minutes after the previous attempt carries when no moment came within
 * that spacing, since its guidance ("Call again, 30-60 minutes after the last call") no longer
 * says when it is due: "Not 30-60 minutes after the last call (Fri 4 Dec 18:40 your time): this
 * is the next moment your hours and the lead's calling window allow."
 */
export function lateLine(
  spacing: { readonly min: number; readonly max: number },
  previous: number,
  teamZone: string,
  channel: Channel,
): string {
  const last = channel === 'sms' ? 'text' : channel === 'call' ? 'call' : 'attempt';
  const { min, max } = spacing;
  const span =
    min % 60 === 0 && max % 60 === 0 ? `${min / 60}-${max / 60} hours` : `${min}-${max} minutes`;
  const window =
    channel === 'call' || channel === 'sms' ? "the lead's calling window" : "the lead's hours";
  return `Not ${span} after the last ${last} (${dayAndClock(previous, teamZone)} your time): this is the next moment your hours and ${window} allow.`;
}

/** "Mon 7 Dec" for the day `at` falls on in `zone`. */
function dateIn(at: number, zone: string): string {
  return dayName({ day: localDay(zone, dayNumberAt(at, zone)) });
}

/**
 * The line a kept call or text carries once its due time moved into the lead's window, which
 * changed after the task was written (the lead is read in another zone, its state or its rules
 * changed): "Moved from 06:00 to 08:00 Los Angeles time (Mon 7 Dec; 11:00 in New York): the
 * lead's calling window changed since this task was written (the lead is now read in Los Angeles
 * time), and 06:00 is outside it." A task past due (`pastDueAt`: the moment it was found past
 * due with the window closed) says so instead: "…: it is past due, and the lead's calling window
 * is closed now (20:30 in New York)."
 */
export function movedLine(
  from: number,
  to: number,
  leadZone: string,
  teamZone: string,
  zones: readonly string[],
  pastDueAt?: number,
): string {
  const place = placeName(leadZone);
  const [day, newDay] = [dateIn(from, leadZone), dateIn(to, leadZone)];
  const span =
    day === newDay
      ? `${clock(from, leadZone)} to ${clock(to, leadZone)}`
      : `${day} ${clock(from, leadZone)} to ${newDay} ${clock(to, leadZone)}`;
  const sameClock = clock(to, teamZone) === clock(to, leadZone);
  const asides = [
    ...(day === newDay ? [newDay] : []),
    ...(sameClock && placeName(teamZone) === place
      ? []
      : [`${clock(to, teamZone)} in ${placeName(teamZone)}`]),
  ];
  const aside = asides.length > 0 ? ` (${asides.join('; ')})` : '';
  const where =
    zones.length > 1
      ? `the lead may now be in any of ${zones.length} zones, calling time in all of them`
      : `the lead is now read in ${place} time`;
  const why =
    pastDueAt === undefined
      ? `the lead's calling window changed since this task was written (${where}), and ${clock(from, leadZone)} is outside it`
      : `it is past due, and the lead's calling window is closed now (${clock(pastDueAt, leadZone)} in ${place})`;
  return `Moved from ${span} ${place} time${aside}: ${why}.`;
}
