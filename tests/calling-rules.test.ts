import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { formatWeeklyHours } from '../src/config/hours.ts';
import type { WeeklyHours } from '../src/engine/types.ts';
import {
  loadCallingRules,
  parseCallingRules,
  US_CALLING_RULES_FILE,
} from '../src/rules/calling-rules.ts';

const shipped = JSON.parse(readFileSync(US_CALLING_RULES_FILE, 'utf8')) as {
  notice: string;
  rules: Record<string, unknown>[];
};

function withRow(change: Record<string, unknown>): string {
  const [first, ...rest] = shipped.rules;
  return JSON.stringify({ ...shipped, rules: [{ ...first, ...change }, ...rest] });
}

function refusal(text: string): string {
  const parsed = parseCallingRules(text);
  if (parsed.ok) throw new Error('expected the rules file to be refused');
  return parsed.error;
}

describe('the US calling rules file', () => {
  it('loads, with a statute and a public source for every row', () => {
    const loaded = loadCallingRules();
    expect(loaded.ok).toBe(true);
    expect(shipped.notice).toMatch(/^Not legal advice\./);
    for (const row of shipped.rules) {
      expect(row.statute, String(row.jurisdiction)).toEqual(expect.any(String));
      expect((row.sources as string[])[0]).toMatch(/^https?:\/\//);
    }
  });

  it('holds Florida at 08:00-20:00 every day with 3 calls per 24 hours', () => {
    const loaded = loadCallingRules();
    if (!loaded.ok) throw new Error(loaded.error);
    const florida = loaded.value.get('US-FL');
    expect(florida?.maxPer24h).toBe(3);
    expect(florida?.hours[7]).toEqual([{ start: 480, end: 1200 }]);
    // Louisiana: no calls on Sundays nor on its state holidays (Mardi Gras 2026 is 17 February).
    const louisiana = loaded.value.get('US-LA');
    expect(louisiana?.hours[7]).toEqual([]);
    expect(louisiana?.isHoliday?.('2026-02-17')).toBe(true);
    // Oregon since HB 3865: three a day.
    expect(loaded.value.get('US-OR')?.maxPer24h).toBe(3);
    // Rules for recorded-message devices only bind no call a rep makes: no rows.
    for (const device of ['US-CA', 'US-NV', 'US-ME']) expect(loaded.value.has(device)).toBe(false);
  });

  it('holds each state row to the hours, days and holidays its statute names', () => {
    const loaded = loadCallingRules();
    if (!loaded.ok) throw new Error(loaded.error);
    // [jurisdiction, hours, a state no-call day or null]
    const expected: [string, string, string | null][] = [
      ['US-AL', 'Mon-Sat 08:00-20:00', '2026-04-27'], // Confederate Memorial Day
      ['US-MA', 'Mon-Sun 08:00-20:00', null],
      ['US-MS', 'Mon-Sat 09:00-20:00', null],
      ['US-RI', 'Mon-Fri 09:00-18:00; Sat 10:00-17:00', '2026-08-10'], // Victory Day
      ['US-TX', 'Mon-Sat 09:00-21:00; Sun 12:00-21:00', null],
      ['US-UT', 'Mon-Sat 08:00-21:00', '2026-07-24'], // Pioneer Day
      ['US-WA', 'Mon-Sun 08:00-20:00', null],
      ['US-PA', 'Mon-Sat 09:00-19:00', '2026-04-03'], // Good Friday, which US-PA itself lacks
      ['US-CT', 'Mon-Sun 09:00-20:00', null],
      ['US-NM', 'Mon-Sun 09:00-21:00', null],
      ['US-KY', 'Mon-Sun 10:00-21:00', null],
      ['US-WY', 'Mon-Sun 08:00-20:00', null],
      ['US-OR', 'Mon-Sun 08:00-20:00', null],
      ['US-MI', 'Mon-Sun 09:00-21:00', null],
      ['US-MN', 'Mon-Sun 09:00-21:00', null],
      ['US-SD', 'Mon-Sat 09:00-21:00', null],
    ];
    for (const [jurisdiction, hours, holiday] of expected) {
      const rule = loaded.value.get(jurisdiction);
      expect(rule && formatWeeklyHours(rule.hours), jurisdiction).toBe(hours);
      expect(rule?.isHoliday?.(holiday ?? '2026-06-02') ?? false, jurisdiction).toBe(
        holiday !== null,
      );
      expect(rule?.isHoliday?.('2026-06-02') ?? false, `${jurisdiction} on a plain Tuesday`).toBe(
        false,
      );
    }
  });

  it('lets no state row allow a minute the federal rule forbids', () => {
    const loaded = loadCallingRules();
    if (!loaded.ok) throw new Error(loaded.error);
    const federal = loaded.value.get('US')?.hours ?? [];
    for (const [jurisdiction, rule] of loaded.value) {
      if (!jurisdiction.startsWith('US-')) continue; // other countries' rows stand alone
      for (let day = 1; day <= 7; day++) {
        const allowed = federal[day] ?? [];
        for (const r of rule.hours[day] ?? []) {
          const inside = allowed.some((f) => f.start <= r.start && r.end <= f.end);
          expect(inside, `${jurisdiction} day ${day}`).toBe(true);
        }
      }
    }
  });

  it('refuses a row without a source, with bad hours, a bad holiday region or twice', () => {
    expect(refusal(withRow({ sources: [] }))).toMatch(/rules\.0\.sources: cite at least one/);
    expect(refusal(withRow({ hours: 'Mon-Fri 20:00-08:00' }))).toMatch(/^US hours: /);
    expect(refusal(withRow({ holidays: 'XX' }))).toMatch(/^US holidays: /);
    expect(refusal(withRow({ jurisdiction: 'US-FL' }))).toBe('US-FL has more than one row');
    // The federal row applies in the territories; a country listed there must not also have a row.
    expect(refusal(withRow({ alsoIn: ['PR', 'CA'] }))).toBe(
      "CA has a row of its own and is in US's alsoIn",
    );
    expect(refusal(withRow({ alsoIn: ['XX'] }))).toMatch(/alsoIn\.0: unknown country code/);
    // A country's code may not be a state's too: `state_cap:CO` must name one rule.
    const colombia = shipped.rules.find((r) => r.jurisdiction === 'CO');
    const colorado = { ...colombia, jurisdiction: 'US-CO' };
    expect(refusal(JSON.stringify({ ...shipped, rules: [...shipped.rules, colorado] }))).toBe(
      'US-CO and CO share the code CO: reasons and caches could not tell them apart',
    );
    expect(refusal('{')).toMatch(/^not valid JSON/);
  });

  it('stops the service at start when the file is broken', () => {
    const loaded = loadCallingRules(() => '{"notice":"x","rules":[]}');
    expect(loaded.ok).toBe(false);
  });
});

describe('calling configuration', () => {
  it('applies no rules with CALLING_RULES=none and no lead holidays with LEAD_HOLIDAYS=false', () => {
    const result = loadConfig({ CALLING_RULES: 'none', LEAD_HOLIDAYS: 'false' });
    if (!result.ok) throw new Error(result.message);
    expect(result.config.callingRules.size).toBe(0);
    expect(result.config.leadHolidays).toBe(false);
  });

  it('keeps a bare LEAD_CONTACT_HOURS range meaning every day, and takes days like BUSINESS_HOURS', () => {
    const bare = loadConfig({ LEAD_CONTACT_HOURS: '09:00-20:00' });
    if (!bare.ok) throw new Error(bare.message);
    expect(bare.config.leadContactHours).toEqual({ start: 540, end: 1200 });
    const days = loadConfig({ LEAD_CONTACT_HOURS: 'Mon-Fri 08:00-20:00; Sat 10:00-14:00' });
    if (!days.ok) throw new Error(days.message);
    expect((days.config.leadContactHours as WeeklyHours)[6]).toEqual([{ start: 600, end: 840 }]);
  });

  it('names a bad CALLING_RULES, LEAD_HOLIDAYS or LEAD_CONTACT_HOURS', () => {
    const result = loadConfig({
      CALLING_RULES: 'eu',
      LEAD_HOLIDAYS: 'maybe',
      LEAD_CONTACT_HOURS: 'Weekdays 08:00-20:00',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const name of ['CALLING_RULES', 'LEAD_HOLIDAYS', 'LEAD_CONTACT_HOURS']) {
      expect(result.message).toContain(`- ${name}:`);
    }
  });
});
