/** A cadence task's title ("Call 2 of 6 — Jane Doe (Acme)"), and its count made true again. */
import type { Channel } from './types.ts';

const CHANNEL_LABEL: Record<Channel, string> = {
  call: 'Call',
  email: 'Email',
  sms: 'Text message',
  social: 'Social touch',
  task: 'Task',
};

/** Which attempt of its channel a task is, as the lead lived it: "Call 4 of 6". */
export interface AttemptPosition {
  readonly nth: number;
  readonly of: number;
}

/**
 * Control characters (line breaks, tabs, ANSI escapes), line and paragraph separators, and the
 * bidirectional controls that reorder what follows them on screen (U+202E shows `Acme` as
 * `emcA`; "Trojan Source", CVE-2021-42574).
 */
const UNPRINTABLE = /[\p{Cc}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu;
/** The same characters, tested without the state a global pattern keeps between calls. */
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE.source, 'u');
/** Of a lead's name and company in a title: a rep reads one line. */
export const MAX_TITLE_NAME = 200;

/**
 * The lead as a title names it: whoever filled in the web form chose the name, so it is made
 * one line of what it shows, and at most `MAX_TITLE_NAME` characters (the CRMs cap a subject:
 * Salesforce at 255, and a title that the CRM refuses would fail the lead on every delivery).
 */
function titleName(who: string): string {
  // Almost every name is one clean line already: it is kept as it is, with nothing allocated.
  const clean = !HAS_UNPRINTABLE.test(who) && !who.includes('  ') && who.trim() === who;
  const line = clean ? who : who.replace(UNPRINTABLE, ' ').replace(/ {2,}/g, ' ').trim();
  if (line.length <= MAX_TITLE_NAME) return line;
  let end = MAX_TITLE_NAME - 1;
  // Never half of a character outside the BMP (an emoji).
  if (/[\uD800-\uDBFF]/.test(line.charAt(end - 1))) end -= 1;
  return `${line.slice(0, end)}…`;
}

/** A cadence task's title: "Call 2 of 6 — Jane Doe (Acme)". */
export function taskTitle(channel: Channel, position: AttemptPosition, who: string): string {
  return `${CHANNEL_LABEL[channel]} ${position.nth} of ${position.of} — ${titleName(who)}`;
}

/** Anchored digits only: linear on whatever text the CRM holds. */
const COUNT = /^ (\d{1,6}) of (\d{1,6})/;

/**
 * `title` with its attempt count made true, or undefined when it already is or when it does
 * not start as this service writes it (a rep rewrote it: theirs to keep). Only the count
 * changes: whatever follows it, the rep's edits included, stays as it is.
 */
export function retitled(
  title: string,
  channel: Channel,
  position: AttemptPosition,
): string | undefined {
  const label = CHANNEL_LABEL[channel];
  if (!title.startsWith(label)) return undefined;
  const count = COUNT.exec(title.slice(label.length));
  if (!count) return undefined;
  if (Number(count[1]) === position.nth && Number(count[2]) === position.of) return undefined;
  const rest = title.slice(label.length + count[0].length);
  return `${label} ${position.nth} of ${position.of}${rest}`;
}
