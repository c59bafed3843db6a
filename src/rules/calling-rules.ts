import { readFileSync } from 'node:fs';
import ct from 'countries-and-timezones';
import Holidays from 'date-holidays';
import { z } from 'zod';
import { holidayCalendar, parseHolidays } from '../config/holidays.ts';
import { formatWeeklyHours, type Parsed, parseWeeklyHours } from '../config/hours.ts';
import { parseJsonWith } from '../config/json-file.ts';
import { ruledRanges } from '../engine/lead-window.ts';
import type { CallingRule, MinuteRange } from '../engine/types.ts';

/** The rules file shipped with the service: one row per jurisdiction stricter than federal law. */
export const US_CALLING_RULES_FILE = new URL('./us-calling-rules.json', import.meta.url);

/**
 * `US` (federal), `US-XX` (a state) or another country's ISO code (`CA`, `AU`): the rows that
 * apply to a lead located there.
 */
export type Jurisdiction = string;

/**
 * The rule for a US lead whose state is unknown: every state row at once (their common hours,
 * all their holidays, the smallest cap), since any of them may be the lead's.
 */
export const UNKNOWN_US_STATE: Jurisdiction = 'US-?';

const COUNTRIES = new Holidays().getCountries();

const rowSchema = z
  .object({
    jurisdiction: z
      .string()
      .regex(/^[A-Z]{2}(-[A-Z]{2})?$/, 'must be a country code (US, CA) or US-XX (a state code)')
      .refine((j) => !j.includes('-') || j.startsWith('US-'), {
        message: 'only US states have rows of their own: the state of a lead elsewhere is not read',
      })
      .refine((j) => j.slice(0, 2) in COUNTRIES, {
        message: 'unknown country code',
      }),
    name: z.string().min(1),
    statute: z.string().min(1),
    summary: z.string().min(1),
    sources: z.array(z.url({ protocol: /^https?$/ })).min(1, 'cite at least one public source'),
    checked: z.iso.date(),
    hours: z.string(),
    holidays: z.string().optional(),
    maxPer24h: z.number().int().min(1).max(100).optional(),
    maxPer30Days: z.number().int().min(1).max(1000).optional(),
    /** Other countries' codes where the row applies too (US territories under federal law). */
    alsoIn: z
      .array(
        z
          .string()
          .refine((code) => ct.getCountry(code) !== null, { message: 'unknown country code' }),
      )
      .optional(),
  })
  .strict();

const fileSchema = z
  .object({ notice: z.string().min(1), rules: z.array(rowSchema).min(1) })
  .strict();

type Row = z.output<typeof rowSchema>;

/** `, at most 3 calls in 24 hours`: a row's caps as the task states them. */
function capsText(rule: Pick<CallingRule, 'maxPer24h' | 'maxPer30Days'>): string {
  const day = rule.maxPer24h === undefined ? '' : `, at most ${rule.maxPer24h} calls in 24 hours`;
  const month =
    rule.maxPer30Days === undefined ? '' : `, at most ${rule.maxPer30Days} calls in 30 days`;
  return `${day}${month}`;
}

/** What a state row allows, as the task tells the rep: the statute, the hours, the rest. */
function noticeOf(row: Row): string {
  const holidays = row.holidays === undefined ? '' : ', no calls on its legal holidays';
  return `${row.statute}: ${row.hours}${holidays}${capsText(row)}`;
}

function ruleOf(row: Row): Parsed<CallingRule> {
  const hours = parseWeeklyHours(row.hours);
  if (!hours.ok) return { ok: false, error: `${row.jurisdiction} hours: ${hours.error}` };
  let isHoliday: CallingRule['isHoliday'];
  if (row.holidays !== undefined) {
    const spec = parseHolidays(row.holidays);
    if (!spec.ok) return { ok: false, error: `${row.jurisdiction} holidays: ${spec.error}` };
    isHoliday = holidayCalendar(spec.value);
  }
  const code = row.jurisdiction.split('-')[1] ?? row.jurisdiction;
  return {
    ok: true,
    value: {
      code,
      hours: hours.value,
      ...(isHoliday ? { isHoliday } : {}),
      ...(row.maxPer24h === undefined ? {} : { maxPer24h: row.maxPer24h }),
      ...(row.maxPer30Days === undefined ? {} : { maxPer30Days: row.maxPer30Days }),
      ...(row.jurisdiction === 'US' ? {} : { notice: noticeOf(row) }),
    },
  };
}

/**
 * Every state row at once, for a US lead whose state is unknown (a toll-free number and no state
 * field): when in doubt about where a lead is, the call waits for a time legal everywhere.
 */
function anyStateRule(states: readonly CallingRule[]): CallingRule {
  const hours: MinuteRange[][] = [[]];
  for (let day = 1; day <= 7; day++) {
    hours.push([...ruledRanges([{ start: 0, end: 24 * 60 }], states, day)]);
  }
  const withHolidays = states
    .filter((r) => r.isHoliday !== undefined)
    .sort((a, b) => a.code.localeCompare(b.code));
  const smallest = (field: 'maxPer24h' | 'maxPer30Days') => {
    const caps = states.flatMap((r) => r[field] ?? []);
    return caps.length > 0 ? { [field]: Math.min(...caps) } : {};
  };
  const caps = { ...smallest('maxPer24h'), ...smallest('maxPer30Days') };
  const holidays =
    withHolidays.length === 0
      ? ''
      : `, no calls on the legal holidays of ${withHolidays.map((r) => r.code).join(', ')}`;
  return {
    code: 'ANY-STATE',
    hours,
    ...(withHolidays.length === 0
      ? {}
      : { isHoliday: (day: string) => withHolidays.some((r) => r.isHoliday?.(day)) }),
    ...caps,
    notice: `US state unknown, so every state's rules at once: ${formatWeeklyHours(hours)}${holidays}${capsText(caps)}`,
  };
}

/** Parses and validates a rules file: every row's hours, holidays and sources, one per place. */
export function parseCallingRules(text: string): Parsed<Map<Jurisdiction, CallingRule>> {
  const file = parseJsonWith(fileSchema, text, 'rules file');
  if (!file.ok) return file;
  const rules = new Map<Jurisdiction, CallingRule>();
  for (const row of file.value.rules) {
    if (rules.has(row.jurisdiction)) {
      return { ok: false, error: `${row.jurisdiction} has more than one row` };
    }
    const rule = ruleOf(row);
    if (!rule.ok) return rule;
    const twin = [...rules].find(([j, r]) => r.code === rule.value.code && j !== row.jurisdiction);
    if (twin) {
      return {
        ok: false,
        error: `${row.jurisdiction} and ${twin[0]} share the code ${rule.value.code}: reasons and caches could not tell them apart`,
      };
    }
    rules.set(row.jurisdiction, rule.value);
    for (const code of row.alsoIn ?? []) {
      if (file.value.rules.some((r) => r.jurisdiction === code)) {
        return {
          ok: false,
          error: `${code} has a row of its own and is in ${row.jurisdiction}'s alsoIn`,
        };
      }
      rules.set(code, rule.value);
    }
  }
  const states = [...rules].filter(([j]) => j.startsWith('US-')).map(([, rule]) => rule);
  if (states.length > 0) rules.set(UNKNOWN_US_STATE, anyStateRule(states));
  return { ok: true, value: rules };
}

/** Reads the shipped rules file; a broken file stops the service at start, never mid-run. */
export function loadCallingRules(
  read: () => string = () => readFileSync(US_CALLING_RULES_FILE, 'utf8'),
): Parsed<Map<Jurisdiction, CallingRule>> {
  let text: string;
  try {
    text = read();
  } catch (error) {
    return { ok: false, error: `cannot read the rules file (${(error as Error).message})` };
  }
  return parseCallingRules(text);
}
