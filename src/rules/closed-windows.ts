import { formatWeeklyHours } from '../config/hours.ts';
import { ruledRanges, weeklyHoursOf } from '../engine/lead-window.ts';
import type { CallingRule, MinuteRange, WeeklyHours } from '../engine/types.ts';
import { type Jurisdiction, UNKNOWN_US_STATE } from './calling-rules.ts';

const WHOLE_DAY: readonly MinuteRange[] = [{ start: 0, end: 24 * 60 }];

/** The rules a lead placed in `jurisdiction` is called under: a state's row with the federal one. */
function rulesIn(jurisdiction: Jurisdiction, rules: ReadonlyMap<Jurisdiction, CallingRule>) {
  const own = rules.get(jurisdiction);
  const federal = rules.get('US');
  const withFederal = jurisdiction.startsWith('US-') && federal !== undefined;
  return [...(withFederal ? [federal] : []), ...(own ? [own] : [])];
}

function allowedWeek(ranges: (day: number) => readonly MinuteRange[]): WeeklyHours {
  return [[], ...Array.from({ length: 7 }, (_, i) => [...ranges(i + 1)])];
}

/**
 * The jurisdictions in which the lead's contact hours and the calling rules share no minute of
 * the week, each with the hours the rules allow: a lead there could never be called lawfully, so
 * the engine plans no call or text for it. Start-up warns of such contact hours.
 */
export function closedWindows(
  contactHours: MinuteRange | WeeklyHours,
  rules: ReadonlyMap<Jurisdiction, CallingRule>,
): string[] {
  const week = weeklyHoursOf(contactHours);
  const closed: string[] = [];
  for (const jurisdiction of rules.keys()) {
    const applied = rulesIn(jurisdiction, rules);
    const open = allowedWeek((day) => ruledRanges(week[day] ?? [], applied, day));
    if (open.some((ranges) => ranges.length > 0)) continue;
    const name = jurisdiction === UNKNOWN_US_STATE ? 'US, state unknown' : jurisdiction;
    const allowed = formatWeeklyHours(allowedWeek((day) => ruledRanges(WHOLE_DAY, applied, day)));
    closed.push(`${name} (${allowed})`);
  }
  return closed;
}
