/**
 * Masking and capping of text that may hold a lead's contact details or a secret, or that an
 * attacker chose. Everything here runs on every log line and on every echoed error, so it must
 * take linear time whatever the input: no regular expression here can backtrack more than a
 * fixed number of characters at any position.
 */

/** Characters that end an email address (the old pattern's excluded class: `\s@"'<>(),;:`). */
function endsEmail(code: number): boolean {
  return (
    code === 0x40 || // @
    code === 0x22 || // "
    code === 0x27 || // '
    code === 0x3c || // <
    code === 0x3e || // >
    code === 0x28 || // (
    code === 0x29 || // )
    code === 0x2c || // ,
    code === 0x3b || // ;
    code === 0x3a || // :
    isSpace(code)
  );
}

/** What `\s` matches in a JavaScript regular expression. */
function isSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const isLetter = (code: number) => (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;

/**
 * Where the email whose domain starts at `from` ends, or -1: the domain is the run of characters
 * up to the next `endsEmail` one, and must contain a dot, not first, followed by two or more
 * letters; the address ends after those letters (the rightmost such dot wins, as the greedy
 * pattern `[^…]+\.[A-Za-z]{2,}` had it).
 */
function domainEnd(text: string, from: number, runEnd: number): number {
  for (let dot = runEnd - 1; dot > from; dot--) {
    if (text.charCodeAt(dot) !== 0x2e) continue;
    let end = dot + 1;
    while (end < runEnd && isLetter(text.charCodeAt(end))) end++;
    if (end - dot - 1 >= 2) return end;
  }
  return -1;
}

/**
 * Replaces each email address with `[email]`: the same matches as the pattern
 * `[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}`, found by a scanner that visits each
 * character a bounded number of times, where that pattern backtracked quadratically on a long
 * `aaaa…@bbbb…` with no dot (a 1 MiB string would have taken minutes).
 */
export function maskEmails(text: string): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > copied && !endsEmail(text.charCodeAt(start - 1))) start--;
    let runEnd = at + 1;
    while (runEnd < text.length && !endsEmail(text.charCodeAt(runEnd))) runEnd++;
    const end = start < at ? domainEnd(text, at + 1, runEnd) : -1;
    if (end !== -1) {
      out += `${text.slice(copied, start)}[email]`;
      copied = end;
    }
    // Another `@` inside this run cannot start a match: `@` ends a local part.
    at = text.indexOf('@', Math.max(at + 1, end));
  }
  return copied === 0 ? text : out + text.slice(copied);
}

// Bounded quantifiers only: at most about 20 characters are tried from any position.
const PHONE = /\+\d[\d\s().-]{5,18}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/g;

/** Replaces each phone number with `[phone]`. */
export function maskPhones(text: string): string {
  return /\d/.test(text) ? text.replace(PHONE, '[phone]') : text;
}

// A secret in a URL's query string (the Salesforce outbound-message token travels there): the
// value of any parameter whose name holds `token`. Linear: one quantifier per part, each part
// ended by a character the next one cannot start with.
const QUERY_PARAMETER = /([?&])([^=&#?\s]*)=([^&#\s"]*)/g;

/** A parameter name as the query parser reads it: `tok%65n` is `token`, and authenticates. */
function decodedName(name: string): string {
  if (!name.includes('%')) return name;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * Replaces the value of `token=`, `access_token=`, `token[]=`, `tok%65n=`… parameters with
 * `[redacted]`.
 */
export function redactQueryTokens(text: string): string {
  if (!/token|%/i.test(text)) return text;
  return text.replace(QUERY_PARAMETER, (parameter, separator: string, name: string) =>
    /token/i.test(decodedName(name)) ? `${separator}${name}=[redacted]` : parameter,
  );
}

/** Longest string written to a log line, per field. */
export const LOGGED_TEXT_MAX = 4096;
/** Longest error message echoed to a client. */
export const ECHOED_TEXT_MAX = 300;

/** `text` cut to `max` characters, saying how much was left out. */
export function capped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}

/** The longest email address (RFC 5321's path limit): what `echoed` masks past its cut. */
const MAX_ADDRESS = 254;

/**
 * What an error answer echoes of a message: no email, phone number or URL token (a CRM's own
 * message can quote a lead's fields, and the answer lands in the CRM's delivery log or an
 * admin's terminal, which the service's log masking never reaches), and at most `max`
 * characters. Only the start is masked, enough for whatever the cut keeps, so a message
 * quoting 1 MiB costs what a short one does.
 */
export function echoed(text: string, max = ECHOED_TEXT_MAX): string {
  const head = text.length <= max + MAX_ADDRESS ? text : text.slice(0, max + MAX_ADDRESS);
  const masked = maskPhones(maskEmails(redactQueryTokens(head)));
  if (masked.length <= max && head === text) return masked;
  return `${masked.slice(0, max)}…[${Math.max(1, text.length - max)} more chars]`;
}

/** What a logged string becomes: no email, phone number or URL token, and at most a few KiB. */
export function maskText(text: string): string {
  const masked = maskPhones(maskEmails(text));
  return capped(redactQueryTokens(masked), LOGGED_TEXT_MAX);
}
