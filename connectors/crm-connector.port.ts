import type {
  Activity,
  CadenceTask,
  Channel,
  TaskClosure,
  TaskCompletion,
  TaskDraft,
  TaskReassignment,
  TaskReschedule,
  TaskRetitle,
} from '../src/engine/types.ts';

/** A lead as a connector reads it, normalised to what the cadence needs. */
export interface CrmLead {
  readonly id: string;
  readonly name: string;
  readonly company?: string;
  readonly ownerId?: string;
  /** ISO instant the lead arrived in the CRM. */
  readonly createdAt: string;
  /** IANA zone held on the lead, if the CRM has one. */
  readonly timezone?: string;
  readonly phone?: string;
  readonly country?: string;
  /** State or province field (US state rules); the phone's area code is used when unset. */
  readonly state?: string;
  /** The CRM status is one of the configured open statuses. */
  readonly isOpen: boolean;
  readonly converted: boolean;
  /** The status says contact was made, or the lead converted: reached, for the reports. */
  readonly contacted: boolean;
  /** Channels the lead opted out of (do-not-call, email opt-out, …). */
  readonly optedOut: readonly Channel[];
}

/** Everything the engine needs about one lead, loaded in one go. */
export interface LeadRecord {
  readonly lead: CrmLead;
  /** Tasks this service created earlier, whatever their status. */
  readonly tasks: readonly CadenceTask[];
  readonly activities: readonly Activity[];
}

export interface LeadChanges {
  readonly leadId: string;
  readonly create: readonly TaskDraft[];
  readonly close: readonly TaskClosure[];
  /** Open tasks to complete with the logged attempt noted on them; unset: none. */
  readonly complete?: readonly TaskCompletion[];
  readonly reassign: readonly TaskReassignment[];
  /** Open tasks whose title's attempt count changes, written in place; unset: none. */
  readonly retitle?: readonly TaskRetitle[];
  /**
   * Open calls and texts whose due time and reminder move, with a line added to their text;
   * written in place; unset: none.
   */
  readonly reschedule?: readonly TaskReschedule[];
  /**
   * The lead's tasks as the round that decided these changes read them: a connector that must
   * rewrite a task whole takes its text from here instead of reading it again.
   */
  readonly read?: readonly CadenceTask[];
}

/** A CRM record about a lead: a task, a logged call or a logged email. */
export interface ActivityRef {
  readonly kind: 'task' | 'call' | 'email';
  readonly id: string;
}

/**
 * The one seam between the service and a CRM. Implementations batch: one call covers many
 * leads. Writes are idempotent by `TaskDraft.stepKey`: a task whose key already exists is
 * not created again.
 */
export interface CrmConnector {
  readonly name: string;
  /** Loads the leads that exist; unknown ids are absent from the map. */
  loadLeads(ids: readonly string[]): Promise<Map<string, LeadRecord>>;
  /**
   * Writes the changes. Returns the tasks it created when the CRM answers with them (else
   * none), so that the twin check need not read them again.
   */
  applyChanges(changes: readonly LeadChanges[]): Promise<readonly CadenceTask[]>;
  /** The leads these tasks, calls or emails belong to (unknown records are skipped). */
  leadsOfActivities(refs: readonly ActivityRef[]): Promise<string[]>;
  /**
   * The cadence tasks of these leads only: the cheap re-read that finds twins after a write.
   * Tasks in `known` (by id) were read or written moments ago: a connector may take them as
   * they are and read only the tasks it does not know, which are where a twin would be.
   */
  loadTasks(
    leadIds: readonly string[],
    known?: ReadonlyMap<string, CadenceTask>,
  ): Promise<Map<string, CadenceTask[]>>;
  /**
   * Ids of the leads created or changed at or after `since` (ISO), or whose tasks, calls or
   * emails were: pages of ids from the CRM's search or query API, possibly with repeats.
   */
  leadsTouchedSince(since: string): AsyncIterable<string[]>;
  /**
   * Ids of the leads created at or after `since` and before `until` (ISO): pages of ids from
   * the CRM's search or query API, each id once.
   */
  leadsCreatedBetween(since: string, until: string): AsyncIterable<string[]>;
  /** Requests a delivery of up to one batch of leads typically makes, for admission control. */
  readonly typicalRequests: number;
  /** True when the CRM can be reached with the configured credentials. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A CRM call that failed. `retryable` failures (rate limits, outages) make the webhook answer
 * 503 with `Retry-After`, so the CRM delivers the event again.
 */
export class CrmError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    options: { code: string; retryable: boolean; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'CrmError';
    this.code = options.code;
    this.retryable = options.retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
