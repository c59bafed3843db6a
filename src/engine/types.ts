export const CHANNELS = ['call', 'email', 'sms', 'social', 'task'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** What happened on a contact attempt, as the rep or the CRM recorded it. */
export const OUTCOMES = [
  'no_answer',
  'voicemail',
  'busy',
  'connected',
  'wrong_number',
  'replied',
  'meeting',
  'sent',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * The outcomes an attempt on each channel can have: an email is not "busy", a call is not
 * "sent". A call, a text or a social touch may hit a wrong number or profile; only a call has
 * no default (did anyone pick up?), the others are `sent` unless said otherwise.
 */
export const OUTCOMES_BY_CHANNEL: Readonly<Record<Channel, readonly Outcome[]>> = {
  call: ['no_answer', 'voicemail', 'busy', 'connected', 'wrong_number'],
  email: ['sent', 'replied', 'meeting'],
  sms: ['sent', 'replied', 'meeting', 'wrong_number'],
  social: ['sent', 'replied', 'meeting'],
  task: ['sent', 'connected', 'replied', 'meeting'],
};

/** Outcomes that mean the lead was reached: the cadence has done its job. */
export const REACHED_OUTCOMES: ReadonlySet<Outcome> = new Set(['connected', 'replied', 'meeting']);

export interface DelayRange {
  /** Minutes after the previous step of the same channel when the step becomes due. */
  readonly min: number;
  /** Minutes after the previous step by which it should be done. */
  readonly max: number;
}

/** One cadence step: exactly one of `day` and `afterMinutes` is set. */
export interface CadenceStep {
  readonly channel: Channel;
  /** Day of the lead (day 1 = the local day the lead arrived). */
  readonly day?: number;
  /** Delay after the previous step of the same channel (or after arrival for a channel's first step). */
  readonly afterMinutes?: DelayRange;
  readonly priority: Priority;
  /** Advice for the rep, written into the task body. */
  readonly guidance: string;
}

export interface Cadence {
  /** Stable identifier; part of every task's step key, so keep it when tuning steps. */
  readonly id: string;
  readonly steps: readonly CadenceStep[];
}

/** Minutes since local midnight, `end` exclusive (1440 = midnight at the end of the day). */
export interface MinuteRange {
  readonly start: number;
  readonly end: number;
}

/** Ranges per ISO weekday (index 1 = Monday … 7 = Sunday; index 0 unused). */
export type WeeklyHours = readonly (readonly MinuteRange[])[];

/** A `YYYY-MM-DD` predicate: true on a day without contact. */
export type DayOff = (isoDate: string) => boolean;

/**
 * A legal limit on calls and texts to a lead (the federal rule, a US state's): when they may
 * be made in the lead's local time, and how many in any rolling 24 hours.
 */
export interface CallingRule {
  /** Short code used in reasons, e.g. `FL` in `state_cap:FL`. */
  readonly code: string;
  /** Allowed hours per ISO weekday in the lead's local time; a day without ranges has no calls. */
  readonly hours: WeeklyHours;
  /** Days without calls (the state's legal holidays), in the lead's local date. */
  readonly isHoliday?: DayOff;
  /** Calls and texts allowed in any rolling 24 hours. */
  readonly maxPer24h?: number;
  /** Calls and texts allowed in any rolling 30 days (France: 4). */
  readonly maxPer30Days?: number;
  /**
   * What the rule allows, in words a rep can act on when calling later than the task says
   * (`Tex. Bus. & Com. Code § 301.051 …: Mon-Sat 09:00-21:00; Sun 12:00-21:00`); unset for the
   * federal rule, which every other row is stricter than.
   */
  readonly notice?: string;
}

/** Where the law and the calendar place a lead, resolved outside the engine. */
export interface LeadJurisdiction {
  /**
   * Every zone the lead may be in. With more than one, the lead's window is the intersection
   * of the window in each (a "safe" window).
   */
  readonly zones: readonly string[];
  /** ISO country code whose public holidays are no-contact days for the lead. */
  readonly country?: string;
  /** Calling rules that apply (federal, state); the stricter of all wins. */
  readonly rules: readonly CallingRule[];
}

export interface Schedule {
  /** The team's IANA zone: business hours and holidays are read in it. */
  readonly teamZone: string;
  /** Working hours per ISO weekday (index 1 = Monday … 7 = Sunday; index 0 unused). */
  readonly businessHours: WeeklyHours;
  /**
   * The lead's contact window in its local time: one range for every day, or ranges per ISO
   * weekday. For calls and texts it is a hard limit.
   */
  readonly contactHours: MinuteRange | WeeklyHours;
  /** True when the team does not work on this `YYYY-MM-DD` date (team zone). */
  readonly isHoliday: DayOff;
  /** True when `isoDate` is a public holiday in `country` (lead-local date); unset: none. */
  readonly leadHolidays?: (country: string, isoDate: string) => boolean;
  /**
   * How long before an open step became due a logged attempt of its channel still completes
   * it, in minutes (`LOGGED_ATTEMPT_LEAD_MINUTES`); unset: 15.
   */
  readonly loggedAttemptLeadMinutes?: number;
}

export type TaskStatus = 'open' | 'completed' | 'closed';

/** A task this service created earlier, as the CRM reports it now. */
export interface CadenceTask {
  readonly id: string;
  readonly cadenceId: string;
  /** 1-based position of the step in its cadence. */
  readonly step: number;
  readonly channel: Channel;
  readonly status: TaskStatus;
  readonly createdAt: string;
  readonly dueAt: string;
  /** When the rep is reminded, the moment the step became due (unset: `dueAt`). */
  readonly reminderAt?: string;
  /** When it was completed or closed. */
  readonly doneAt?: string;
  readonly outcome?: Outcome;
  readonly ownerId?: string;
  /** Key of the logged attempt that completed it (see `activityKey`), read from its marker. */
  readonly credit?: string;
  /**
   * The task's text as the CRM holds it, kept by a connector that must write it back whole
   * (HubSpot replaces a property); the engine never reads it.
   */
  readonly body?: string;
  /**
   * The task's title as the CRM holds it ("Call 2 of 6 — Jane Doe (Acme)"): a title whose count
   * of attempts an attempt logged since has made untrue is retitled. Unset: not read, left be.
   */
  readonly title?: string;
}

/** A call, email or other touch logged on the lead, whether or not it came from a cadence task. */
export interface Activity {
  /** The CRM's id of the logged call or email: a completed task names it as its credit. */
  readonly id?: string;
  readonly channel: Channel;
  readonly at: string;
  readonly outcome: Outcome;
}

export interface LeadSnapshot {
  readonly lead: {
    readonly id: string;
    readonly name: string;
    readonly company?: string;
    readonly ownerId?: string;
    readonly createdAt: string;
    /** The zone the lead's days and contact hours are read in, already resolved. */
    readonly timezone: string;
    /** The CRM status is in the configured open set. */
    readonly isOpen: boolean;
    readonly converted: boolean;
    readonly optedOut: readonly Channel[];
    /** Candidate zones, holiday country and calling rules; unset: `timezone` alone, no rules. */
    readonly jurisdiction?: LeadJurisdiction;
  };
  readonly tasks: readonly CadenceTask[];
  readonly activities: readonly Activity[];
}

/**
 * Why a cadence stopped. `no_calling_window`: steps are left on a track of calls or texts, but
 * the lead's contact hours and calling rules leave them no lawful moment for a year.
 */
export type StopReason =
  | 'reached'
  | 'lead_closed'
  | 'converted'
  | 'opted_out'
  | 'no_calling_window';
/** `attempts_made`: the track's every attempt was made, some outside the cadence. */
export type CloseReason =
  | StopReason
  | 'wrong_number'
  | 'duplicate'
  | 'cadence_changed'
  | 'attempts_made';

export type CadenceState =
  | { readonly status: 'active' }
  | { readonly status: 'finished' }
  | { readonly status: 'stopped'; readonly reason: StopReason };

export interface TaskDraft {
  /** lead + cadence + step: the idempotency key a connector stores with the task. */
  readonly stepKey: string;
  readonly cadenceId: string;
  readonly step: number;
  readonly channel: Channel;
  readonly title: string;
  readonly body: string;
  readonly priority: Priority;
  /** When the rep is reminded: the moment the step becomes due. */
  readonly reminderAt: string;
  /** By when it should be done (equal to `reminderAt` unless the step has a delay range). */
  readonly dueAt: string;
  readonly ownerId?: string;
  /** Why the step falls when it does (`overlap`, `lead_window_only`, `state_cap:FL`, …). */
  readonly reason: TimingReason;
  /** The last attempt of the channel its timing counts from (ISO); unset: the lead's arrival. */
  readonly after?: string;
}

/**
 * `overlap`: inside the team's hours and the lead's window. `team_hours`: a desk step on a day
 * the two do not meet. `lead_window_only`: a call or text outside the team's hours, because the
 * lead's window does not meet them. `moved_past_holiday:XX`: a public holiday of the lead's
 * country (or a state's no-call day) moved it. `state_cap:XX`: the per-24-hour cap delayed it.
 * `no_lawful_moment`: a call or text the lead's contact hours and calling rules leave no moment
 * for in a year; the engine plans no such task.
 */
export type TimingReason =
  | 'overlap'
  | 'team_hours'
  | 'lead_window_only'
  | 'no_lawful_moment'
  | `moved_past_holiday:${string}`
  | `state_cap:${string}`;

export interface TaskClosure {
  readonly taskId: string;
  readonly reason: CloseReason;
}

/** An open cadence task completed by an attempt logged outside the task list. */
export interface TaskCompletion {
  readonly taskId: string;
  readonly channel: Channel;
  /** `activityKey` of the logged attempt: written on the task so it is credited once. */
  readonly activity: string;
  /** When the attempt was made (ISO): the task's completion time for the cadence. */
  readonly at: string;
  readonly outcome: Outcome;
}

/** An open cadence task that moves to the lead's current owner. */
export interface TaskReassignment {
  readonly taskId: string;
  readonly ownerId: string;
}

/**
 * A kept task whose title counts attempts untruly ("Call 2 of 6" after three calls): only the
 * count changes, in place, so the rep's notes, edits and due time stay.
 */
export interface TaskRetitle {
  readonly taskId: string;
  readonly title: string;
}

/**
 * A kept call or text, not yet due, whose due time the lead's calling window no longer holds
 * (the lead is read in another zone, or its rules or contact hours changed): it moves in place
 * to the window's first moment at or after it, so the rep's notes and edits stay.
 */
export interface TaskReschedule {
  readonly taskId: string;
  /** The new due time (ISO); the reminder moves with it. */
  readonly dueAt: string;
  /** The line added to the task's text, saying for the rep why it moved. */
  readonly note: string;
}

export interface Decision {
  readonly leadId: string;
  readonly state: CadenceState;
  readonly create: readonly TaskDraft[];
  readonly close: readonly TaskClosure[];
  /** Open tasks an attempt logged outside the task list has done. */
  readonly complete: readonly TaskCompletion[];
  /** Kept tasks whose owner is no longer the lead's owner. */
  readonly reassign: readonly TaskReassignment[];
  /** Kept tasks whose title's attempt count is no longer true, with the true title. */
  readonly retitle: readonly TaskRetitle[];
  /** Kept calls and texts whose due time is outside the lead's window now, with the new one. */
  readonly reschedule: readonly TaskReschedule[];
  /** Ids of open cadence tasks that stay open (reassigned or not). */
  readonly keep: readonly string[];
}
