/**
 * Salesforce record ids come in a case-sensitive 15-character form and an 18-character form whose
 * last three characters encode the case of the first fifteen, so it survives case-insensitive
 * tools. The API answers with 18 characters; admins often paste 15.
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

export const SALESFORCE_ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

export function to18(id: string): string {
  if (id.length !== 15) return id;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return id + suffix;
}

/**
 * Same record? Two 18-character ids compare case-insensitively (the suffix disambiguates);
 * when either is the 15-character form, the first 15 characters compare case-sensitively.
 */
export function sameRecord(a: string, b: string): boolean {
  if (a.length === 18 && b.length === 18) return a.toLowerCase() === b.toLowerCase();
  return a.slice(0, 15) === b.slice(0, 15);
}

/** Key prefixes of the objects the service meets. */
export const isLeadId = (id: string) => id.startsWith('00Q');
export const isUserId = (id: string) => id.startsWith('005');
