/** Whether a lead's candidate zones share any calling stretch: asked on every step's search. */
import { DayCache } from './day-cache.ts';
import { type LeadPlace, leadStretches } from './lead-window.ts';
import { DAY, type Opening } from './local-days.ts';
import type { Schedule } from './types.ts';

const MAX_CACHED = 100_000;
const ZONES_KEY = new WeakMap<readonly string[], string>();

/** One string for a list of candidate zones, built once per list. */
export function zonesKey(zones: readonly string[]): string {
  let key = zones.length === 1 ? zones[0] : ZONES_KEY.get(zones);
  if (key === undefined) {
    key = zones.join(',');
    ZONES_KEY.set(zones, key);
  }
  return key;
}

/** The stretches every candidate zone shares, per UTC day. */
const sharedDays = new DayCache<Opening[]>(MAX_CACHED);

/**
 * True when all of the lead's candidate zones allow a call somewhere in `span`. The same
 * answer as asking `leadStretches` over the whole span (a stretch shared in the span is shared
 * in one of its UTC days, for a part of it), from stretches worked out once per UTC day.
 */
export function sharesStretch(span: Opening, place: LeadPlace, schedule: Schedule): boolean {
  const days = sharedDays.of(schedule, place.key, zonesKey(place.zones));
  for (let d = Math.floor(span.start / DAY); d * DAY < span.end; d++) {
    let shared = days.get(d);
    if (!shared) {
      shared = leadStretches({ start: d * DAY, end: (d + 1) * DAY }, place, schedule);
      sharedDays.put(schedule, days, d, shared);
    }
    for (const s of shared) {
      if (Math.min(s.end, span.end) > Math.max(s.start, span.start)) return true;
    }
  }
  return false;
}
