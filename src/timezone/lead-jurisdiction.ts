import type { CallingRule, LeadJurisdiction, MinuteRange, WeeklyHours } from '../engine/types.ts';
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

/** The longest contact range of any day: whether candidate zones can share a window. */
function longestRange(hours: MinuteRange | WeeklyHours): number {
  const ranges = Array.isArray(hours) ? (hours as WeeklyHours).flat() : [hours as MinuteRange];
  return Math.max(0, ...ranges.map((r) => r.end - r.start));
}

/**
 * Resolves a lead's place from its CRM fields: the country from the country field, else the
 * phone number; the US state from the state field, else the number's area code.
 */
export function resolveLead(lead: LeadWhereabouts, context: ResolveContext): ResolvedLead {
  const tz = leadTimezone(lead, context.teamZone, context.at, longestRange(context.contactHours));
  const hint = lead.country === undefined ? undefined : countryCode(lead.country);
  const valid = lead.phone ? validNumber(lead.phone, hint) : undefined;
  const country = hint ?? valid?.country;
  const state =
    country !== 'US'
      ? undefined
      : ((lead.state === undefined ? undefined : stateCode(lead.state)) ??
        (valid ? stateOfNumber(valid) : undefined));
  const rules =
    country === 'US'
      ? [context.callingRules.get('US'), state && context.callingRules.get(`US-${state}`)].filter(
          (r): r is CallingRule => r !== undefined && r !== '',
        )
      : [];
  return {
    ...tz,
    ...(country === undefined ? {} : { country }),
    ...(state === undefined ? {} : { state }),
    jurisdiction: { zones: tz.candidates, ...(country ? { country } : {}), rules },
  };
}
