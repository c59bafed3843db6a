import moment from 'moment-timezone';
import { z } from 'zod';

/** No IANA name is longer (the longest, `America/Argentina/ComodRivadavia`, has 32 characters). */
const MAX_NAME = 64;
const MAX_CACHED = 10_000;
const CANONICAL = new Map<string, string | undefined>();

/** Every name of the IANA database (links too: `US/Eastern`, `Asia/Kolkata`), by lower case. */
const SPELLINGS = new Map(moment.tz.names().map((name) => [name.toLowerCase(), name]));

function resolve(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_NAME) return undefined;
  try {
    // Intl knows a few names the database lists under another (ICU's own aliases); offsets
    // such as `+05:00`, which it also takes, are no zone's name and stay refused.
    const known = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    return SPELLINGS.get(name.toLowerCase()) ?? SPELLINGS.get(known.toLowerCase());
  } catch {
    return undefined;
  }
}

/**
 * The IANA database's own spelling of a time zone name (`america/new_york` →
 * `America/New_York`, `us/eastern` → `US/Eastern`), or undefined when `name` names no zone.
 * Intl takes any letter case, and luxon and the engine keep a formatter and a day cache per
 * spelling for the life of the process, so every zone name from outside (a lead's field, a
 * preview form) goes through here first: the 2^16 spellings of New York would otherwise be
 * 2^16 zones in memory.
 */
export function canonicalZone(name: string): string | undefined {
  if (CANONICAL.has(name)) return CANONICAL.get(name);
  const zone = resolve(name);
  if (CANONICAL.size >= MAX_CACHED) CANONICAL.clear();
  CANONICAL.set(name, zone);
  return zone;
}

/** A zone name from outside, answered in its one spelling, or an issue saying `rule`. */
export const ianaZone = (rule: string) =>
  z.string().transform((name, context) => {
    const zone = canonicalZone(name);
    if (zone === undefined) context.addIssue({ code: 'custom', message: rule });
    return zone ?? z.NEVER;
  });
