import type { Channel, Outcome, Priority, TaskStatus } from '../../src/engine/types.ts';

export const SANDBOX_STATUSES = [
  'new',
  'working',
  'qualified',
  'unqualified',
  'converted',
] as const;
export type SandboxStatus = (typeof SANDBOX_STATUSES)[number];
/** Statuses in which the cadence runs; any other ends it. */
export const OPEN_STATUSES: ReadonlySet<SandboxStatus> = new Set(['new', 'working']);

export interface SandboxLead {
  readonly id: string;
  readonly name: string;
  readonly company?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly timezone?: string;
  readonly country?: string;
  /** US state (code or name): its calling rules apply. */
  readonly state?: string;
  readonly ownerId?: string;
  readonly status: SandboxStatus;
  readonly doNotCall: boolean;
  readonly emailOptOut: boolean;
  readonly createdAt: string;
  /** Last change of the lead's own fields. */
  readonly updatedAt: string;
}

export interface SandboxTask {
  readonly id: string;
  readonly leadId: string;
  readonly stepKey: string;
  readonly cadenceId: string;
  readonly step: number;
  readonly channel: Channel;
  readonly status: TaskStatus;
  readonly subject: string;
  readonly body: string;
  readonly priority: Priority;
  readonly dueAt: string;
  readonly reminderAt: string;
  readonly ownerId?: string;
  readonly createdAt: string;
  readonly completedAt?: string;
  readonly outcome?: Outcome;
  readonly closedAt?: string;
  readonly closeReason?: string;
}

export type NewSandboxLead = Omit<
  SandboxLead,
  'id' | 'createdAt' | 'updatedAt' | 'status' | 'doNotCall' | 'emailOptOut'
> &
  Partial<Pick<SandboxLead, 'status' | 'doNotCall' | 'emailOptOut'>>;

export type SandboxLeadPatch = Partial<
  Pick<
    SandboxLead,
    'ownerId' | 'status' | 'doNotCall' | 'emailOptOut' | 'phone' | 'timezone' | 'state' | 'country'
  >
>;

/** A call, email or other touch logged on a lead outside the task list (a dialer, a rep by hand). */
export interface SandboxActivity {
  readonly id: string;
  readonly leadId: string;
  readonly channel: Channel;
  readonly outcome: Outcome;
  /** When the attempt was made. */
  readonly at: string;
  /** When it was logged in the sandbox. */
  readonly loggedAt: string;
}

export type NewSandboxActivity = Pick<SandboxActivity, 'channel' | 'outcome'> &
  Partial<Pick<SandboxActivity, 'at'>>;
