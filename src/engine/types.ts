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

export interface Schedule {
  /** The team's IANA zone: business hours and holidays are read in it. */
  readonly teamZone: string;
  /** Working hours per ISO weekday (index 1 = Monday … 7 = Sunday; index 0 unused). */
  readonly businessHours: readonly (readonly MinuteRange[])[];
  /** The window of the lead's local day in which it may be contacted. */
  readonly contactHours: MinuteRange;
  /** True when the team does not work on this `YYYY-MM-DD` date (team zone). */
  readonly isHoliday: (isoDate: string) => boolean;
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
  /** When it was completed or closed. */
  readonly doneAt?: string;
  readonly outcome?: Outcome;
  readonly ownerId?: string;
}

/** A call, email or other touch logged on the lead, whether or not it came from a cadence task. */
export interface Activity {
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
  };
  readonly tasks: readonly CadenceTask[];
  readonly activities: readonly Activity[];
}

export type StopReason = 'reached' | 'lead_closed' | 'converted' | 'opted_out';
export type CloseReason = StopReason | 'wrong_number' | 'duplicate' | 'cadence_changed';

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
}

export interface TaskClosure {
  readonly taskId: string;
  readonly reason: CloseReason;
}

/** An open cadence task that moves to the lead's current owner. */
export interface TaskReassignment {
  readonly taskId: string;
  readonly ownerId: string;
}

export interface Decision {
  readonly leadId: string;
  readonly state: CadenceState;
  readonly create: readonly TaskDraft[];
  readonly close: readonly TaskClosure[];
  /** Kept tasks whose owner is no longer the lead's owner. */
  readonly reassign: readonly TaskReassignment[];
  /** Ids of open cadence tasks that stay open (reassigned or not). */
  readonly keep: readonly string[];
}
