/**
 * Building blocks of environment-variable schemas, shared by the service's own variables and
 * each connector's (connectors/<crm>/<crm>.config.ts), so every variable is checked alike.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { canonicalZone } from '../timezone/zone-name.ts';
import type { Parsed } from './hours.ts';

/** Environment variables with empty ones removed: an empty string counts as unset. */
export type Env = Readonly<Record<string, string>>;

/** Turns a hand-written parser into a zod transform that reports its error on the variable. */
export function parsedBy<T>(parse: (text: string) => Parsed<T>) {
  return z.string().transform((text, ctx): T => {
    const result = parse(text);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.error });
    return z.NEVER;
  });
}

export const secret = z
  .string()
  .regex(/^\S+$/, 'must not contain spaces')
  .max(512, 'must be at most 512 characters');

/** An absolute http(s) URL without query or fragment, returned without its trailing slash. */
export const baseUrl = z.string().transform((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://host' });
    return z.NEVER;
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username) {
    ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL without query or fragment' });
    return z.NEVER;
  }
  return url.href.replace(/\/+$/, '');
});

/** A whole number within bounds, from its decimal text. */
export const count = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

/**
 * A yes/no variable: `true`/`false`, `1`/`0` or `yes`/`no`, in any case: `TRUE` and `True` (as
 * YAML and .env files often spell it) were refused with "must be true or false".
 */
export const flag = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false (or yes/no, 1/0)'))
  .transform((v) => ['true', '1', 'yes'].includes(v));

/** A comma-separated list, trimmed, without blanks or repeats. */
export const list = z
  .string()
  .transform((text) => [...new Set(text.split(',').map((item) => item.trim()))].filter(Boolean));

/** `NAME: why` for each problem zod found, named by the variable (never by its value). */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${String(i.path[0] ?? '(environment)')}: ${i.message}`);
}

/**
 * IANA keeps `EST` and `MST` as clocks without daylight saving time (Panama's, Arizona's), while
 * the runtime reads `CST` and `PST` as Chicago and Los Angeles, summers included: a team in New
 * York or Denver that writes `EST` or `MST` would start an hour late all summer, and the
 * start-up line ("09:00-17:00 in EST") would not show it.
 */
const FIXED_ABBREVIATIONS: Readonly<Record<string, string>> = {
  EST: 'America/New_York for US Eastern time, America/Panama for a clock without it',
  MST: 'America/Denver for US Mountain time, America/Phoenix for Arizona',
};

/**
 * The old names of the US and Canadian zones, which task lines cannot name a place by ("in
 * Eastern", "in EST5EDT"): each is a link to the city zone in the tz database's `backward` file.
 * Other names keep the database's own spelling (ICU's would turn Kolkata into Calcutta and Kyiv
 * into Kiev).
 */
const LEGACY_ZONE_NAMES: Readonly<Record<string, string>> = {
  'US/Alaska': 'America/Anchorage',
  'US/Aleutian': 'America/Adak',
  'US/Arizona': 'America/Phoenix',
  'US/Central': 'America/Chicago',
  'US/East-Indiana': 'America/Indiana/Indianapolis',
  'US/Eastern': 'America/New_York',
  'US/Hawaii': 'Pacific/Honolulu',
  'US/Indiana-Starke': 'America/Indiana/Knox',
  'US/Michigan': 'America/Detroit',
  'US/Mountain': 'America/Denver',
  'US/Pacific': 'America/Los_Angeles',
  'US/Samoa': 'Pacific/Pago_Pago',
  EST5EDT: 'America/New_York',
  CST6CDT: 'America/Chicago',
  MST7MDT: 'America/Denver',
  PST8PDT: 'America/Los_Angeles',
  'Canada/Atlantic': 'America/Halifax',
  'Canada/Central': 'America/Winnipeg',
  'Canada/Eastern': 'America/Toronto',
  'Canada/Mountain': 'America/Edmonton',
  'Canada/Newfoundland': 'America/St_Johns',
  'Canada/Pacific': 'America/Vancouver',
};

/**
 * The team's zone under its canonical name (`america/new_york`, `US/Eastern` and `EST5EDT` are
 * America/New_York): task lines name the team's place from it ("19:00 in New York", not "in new
 * york" or "in EST5EDT"), and the start-up line shows the zone really in use.
 */
export const teamZone = z.string().transform((name, ctx) => {
  // The database's spelling, offsets (`+05:00`) refused, as for every zone from outside.
  const zone = canonicalZone(name);
  if (zone === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Berlin' });
    return z.NEVER;
  }
  const instead = FIXED_ABBREVIATIONS[zone.toUpperCase()];
  if (instead) {
    ctx.addIssue({
      code: 'custom',
      message: `"${zone}" keeps standard time all year, with no daylight saving time: name the place instead, ${instead}`,
    });
    return z.NEVER;
  }
  return LEGACY_ZONE_NAMES[zone] ?? zone;
});

// DNS labels: letters, digits and inner hyphens (RFC 1123), plus the underscores of container
// and service names (`my_service`), and the root's trailing dot (`localhost.`).
const HOST_NAME = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*\.?$/;

/**
 * An address or host name to listen on. `localhost:3000` or `http://0.0.0.0` passed a bare
 * string check and failed later, in `listen`, as a DNS error that named no variable.
 */
export const listenHost = z
  .string()
  .refine(
    (host) => isIP(host) !== 0 || HOST_NAME.test(host),
    'must be an address or host name such as 0.0.0.0, :: or 127.0.0.1, without scheme or port (the port is PORT)',
  );
