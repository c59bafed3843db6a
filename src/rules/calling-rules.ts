import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { holidayCalendar, parseHolidays } from '../config/holidays.ts';
import { type Parsed, parseWeeklyHours } from '../config/hours.ts';
import { parseJsonWith } from '../config/json-file.ts';
import type { CallingRule } from '../engine/types.ts';

/** The rules file shipped with the service: one row per jurisdiction stricter than federal law. */
export const US_CALLING_RULES_FILE = new URL('./us-calling-rules.json', import.meta.url);

/** `US` (federal) or `US-XX` (a state): the rows that apply to a lead located there. */
export type Jurisdiction = string;

const rowSchema = z
  .object({
    jurisdiction: z.string().regex(/^US(-[A-Z]{2})?$/, 'must be US or US-XX (a state code)'),
    name: z.string().min(1),
    statute: z.string().min(1),
    summary: z.string().min(1),
    sources: z.array(z.url({ protocol: /^https?$/ })).min(1, 'cite at least one public source'),
    checked: z.iso.date(),
    hours: z.string(),
    holidays: z.string().optional(),
    maxPer24h: z.number().int().min(1).max(100).optional(),
  })
  .strict();

const fileSchema = z
  .object({ notice: z.string().min(1), rules: z.array(rowSchema).min(1) })
  .strict();

type Row = z.output<typeof rowSchema>;

/** What a state row allows, as the task tells the rep: the statute, the hours, the rest. */
function noticeOf(row: Row): string {
  const holidays = row.holidays === undefined ? '' : ', no calls on its legal holidays';
  const cap = row.maxPer24h === undefined ? '' : `, at most ${row.maxPer24h} calls in 24 hours`;
  return `${row.statute}: ${row.hours}${holidays}${cap}`;
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
      ...(row.jurisdiction === 'US' ? {} : { notice: noticeOf(row) }),
    },
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
    rules.set(row.jurisdiction, rule.value);
  }
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
