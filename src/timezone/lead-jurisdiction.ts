import { ruledRanges, weeklyHoursOf } from '../engine/lead-window.ts';
import type { CallingRule, LeadJurisdiction, MinuteRange, WeeklyHours } from '../engine/types.ts';
import { UNKNOWN_US_STATE } from '../rules/calling-rules.ts';
import {
  countryCode,
  type LeadLocation,
  type LeadTimezone,
  leadTimezone,
  validNumber,
} from './lead-timezone.ts';
import { stateCode, stateOfNumber } from './us-state.ts';

export interface LeadWhereabouts extends LeadLocation {
  /** The CRM's state / province field. */
  readonly state?: string | undefined;
}

export interface ResolveContext {
  readonly teamZone: string;
  /** When the question is asked (a zone list is decided per year). */
  readonly at: number;
  readonly contactHours: MinuteRange | WeeklyHours;
  /** Rules by jurisdiction (`US`, `US-FL`); empty when `CALLING_RULES=none`. */
  readonly callingRules: ReadonlyMap<string, CallingRule>;
}

/** Where a lead is: its zone and candidate zones, country, US state and the rules that apply. */
export interface ResolvedLead extends LeadTimezone {
  readonly country?: string;
  readonly state?: string;
  readonly jurisdiction: LeadJurisdiction;
}

/**
 * The longest range of any day in which the lead may be called, the rules applied: whether
 * candidate zones can share a window. (Unknown-state leads may be called 10:00-18:00 at most, so
 * their zones must lie within 8 hours of each other, not the 12 of 08:00-20:00.)
 */
function longestRange(hours: MinuteRange | WeeklyHours, rules: readonly CallingRule[]): number {
  const week = weeklyHoursOf(hours);
  let longest = 0;
  for (let day = 1; day <= 7; day++) {
    for (const r of ruledRanges(week[day] ?? [], rules, day))
      longest = Math.max(longest, r.end - r.start);
  }
  return longest;
}

/** The distinct values of a list, its `undefined`s dropped, in order. */
function distinct(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/**
 * The rules that apply where a lead may be: each candidate country's row (the US federal rule
 * for a US lead) and, for the US, each candidate state's row, or every state's at once when no
 * state is known. A candidate is what the CRM's field says and what the number says: when they
 * disagree, both apply (Florida, Oklahoma and Maryland presume a caller of their area codes is
 * calling a resident), so the stricter of the two always holds.
 */
function rulesFor(
  countries: readonly string[],
  states: readonly string[],
  rules: ReadonlyMap<string, CallingRule>,
): CallingRule[] {
  const keys = countries.flatMap((country) => {
    if (country !== 'US') return [country];
    if (states.length === 0) return ['US', UNKNOWN_US_STATE];
    return ['US', ...states.map((state) => `US-${state}`)];
  });
  return keys.map((key) => rules.get(key)).filter((r): r is CallingRule => r !== undefined);
}

/**
 * Resolves a lead's place from its CRM fields: the country from the country field, else the
 * phone number; the US state from the state field, else the number's area code. The rules are
 * those of every place the fields and the number point to.
 */
export function resolveLead(lead: LeadWhereabouts, context: ResolveContext): ResolvedLead {
  const hint = lead.country === undefined ? undefined : countryCode(lead.country);
  const valid = lead.phone ? validNumber(lead.phone, hint) : undefined;
  const country = hint ?? valid?.country;
  const countries = distinct([hint, valid?.country]);
  const states = countries.includes('US')
    ? distinct([
        lead.state === undefined ? undefined : stateCode(lead.state),
        valid ? stateOfNumber(valid) : undefined,
      ])
    : [];
  const state = country === 'US' ? states[0] : undefined;
  const rules = rulesFor(countries, states, context.callingRules);
  const window = longestRange(context.contactHours, rules);
  const tz = leadTimezone(lead, context.teamZone, context.at, window);
  return {
    ...tz,
    ...(country === undefined ? {} : { country }),
    ...(state === undefined ? {} : { state }),
    jurisdiction: { zones: tz.candidates, ...(country ? { country } : {}), rules },
  };
}
