/** What the HubSpot and Salesforce mappings share: field text, lead rules, the task marker. */
import {
  CHANNELS,
  type Channel,
  OUTCOMES,
  type Outcome,
  type TaskCompletion,
} from '../src/engine/types.ts';
import type { LeadChanges } from './crm-connector.port.ts';

/** A field's trimmed text, or `undefined` when it is empty. */
export const text = (value: string | null | undefined): string | undefined =>
  value === null || value === undefined || value.trim() === '' ? undefined : value.trim();

/** How a lead's CRM fields map to the cadence: which statuses keep it open or mean contact. */
export interface LeadRules {
  /** Lowercase: ask with {@link hasStatus}. */
  readonly openLeadStatuses: ReadonlySet<string>;
  /** Statuses that say contact was made, for the attempts report; lowercase, as above. */
  readonly contactedLeadStatuses: ReadonlySet<string>;
  readonly defaultOwnerId?: string | undefined;
}

export interface LeadRuleOptions {
  readonly openLeadStatuses: readonly string[];
  /** Statuses that say contact was made (the attempts report); none when unset. */
  readonly contactedLeadStatuses?: readonly string[] | undefined;
  readonly defaultOwnerId?: string | undefined;
}

/**
 * Statuses are compared without case: `new,open` in HUBSPOT_OPEN_LEAD_STATUSES means HubSpot's
 * `NEW` and `OPEN`. Compared exactly, every lead whose status is `NEW` counted as closed, and
 * the service deleted the open tasks of every lead it saw. Salesforce picklist values cannot
 * differ only in case (https://help.salesforce.com/s/articleView?id=000386557&type=1); for
 * HubSpot's enumeration options no such rule was found, but hs_lead_status's own values are
 * upper case and two options differing only in case are not a setup anyone could work with.
 */
const folded = (statuses: readonly string[] = []) =>
  new Set(statuses.map((status) => status.toLowerCase()));

/** Whether `status` is one of `statuses` (a set `leadRules` built), case aside. */
export function hasStatus(statuses: ReadonlySet<string>, status: string): boolean {
  return statuses.has(status.toLowerCase());
}

export function leadRules(options: LeadRuleOptions): LeadRules {
  return {
    openLeadStatuses: folded(options.openLeadStatuses),
    contactedLeadStatuses: folded(options.contactedLeadStatuses),
    defaultOwnerId: options.defaultOwnerId,
  };
}

/**
 * The line that ties a task to its cadence step: written into the task by one function and read
 * back by one pattern, so a CRM always recognises its own tasks (which keeps writes idempotent).
 */
export function markerLine(channel: Channel, stepKey: string): string {
  return `Lead follow-up: ${channel} step ${stepKey} (keep this line: it links the task to its cadence)`;
}

export interface Marker {
  readonly channel: Channel;
  readonly cadenceId: string;
  readonly step: number;
}

/** Reads the marker line of a task whose lead ids match `leadId` (a regex source). */
export function markerReader(leadId: string): (text: string) => Marker | undefined {
  const pattern = new RegExp(
    `Lead follow-up: (${CHANNELS.join('|')}) step (${leadId}):([A-Za-z0-9][A-Za-z0-9_.-]{0,63}):(\\d{1,3})\\b`,
  );
  return (value) => {
    const [, channel, , cadenceId, step] = pattern.exec(value) ?? [];
    if (channel === undefined || cadenceId === undefined) return undefined;
    return { channel: channel as Channel, cadenceId, step: Number(step) };
  };
}

/** What a completed task says about the logged attempt that completed it. */
export interface CompletionNote {
  readonly credit: string;
  readonly doneAt: string;
  readonly outcome: Outcome;
}

/**
 * The line written on a task completed from a call or email logged outside the task list. It
 * names the logged attempt, so the attempt is credited to one step only, and its time, which is
 * when the step was done (the CRM's own completion time is when the service wrote).
 */
export function completionLine(completion: TaskCompletion): string {
  const { channel, activity, at, outcome } = completion;
  return `Lead follow-up: done by the logged ${channel} ${activity} at ${at}, outcome ${outcome} (keep this line: it credits that ${channel} to this step)`;
}

const COMPLETION = new RegExp(
  `Lead follow-up: done by the logged (?:${CHANNELS.join('|')}) (\\S{1,128}) at (\\S{1,40}), outcome (${OUTCOMES.join('|')})\\b`,
);

/** Reads the completion line back; `undefined` for a task the rep completed. */
export function readCompletion(value: string): CompletionNote | undefined {
  const [, credit, at, outcome] = COMPLETION.exec(value) ?? [];
  if (credit === undefined || at === undefined || Number.isNaN(Date.parse(at))) return undefined;
  return { credit, doneAt: new Date(at).toISOString(), outcome: outcome as Outcome };
}

/**
 * The text of each open task the changes complete or re-time, as the deciding round read it (a
 * CRM replaces a text field whole, so it goes back with the completion line or the line saying
 * why it moved added), and the ids of those tasks that the round did not read: those the
 * connector reads now.
 */
export function taskTexts(changes: readonly LeadChanges[]): {
  readonly texts: Map<string, string>;
  readonly unread: string[];
} {
  const wanted = new Set(
    changes.flatMap(({ complete = [], reschedule = [] }) => [
      ...complete.map((c) => c.taskId),
      ...reschedule.map((r) => r.taskId),
    ]),
  );
  const texts = new Map<string, string>();
  for (const task of changes.flatMap(({ read = [] }) => read)) {
    if (wanted.delete(task.id) && task.status === 'open') texts.set(task.id, task.body ?? '');
  }
  return { texts, unread: [...wanted] };
}

/** What changes on an open task the engine keeps: a new owner, a true title, a due time. */
export interface OpenTaskUpdate {
  readonly taskId: string;
  readonly ownerId?: string;
  readonly title?: string;
  /** The new due time (ISO) and the line saying why it moved, added to the task's text. */
  readonly moved?: { readonly dueAt: string; readonly note: string };
}

/**
 * The changes of the open tasks the engine keeps, one entry per task however many of them it
 * has (a batch or a collection must not name a record twice: a task reassigned, retitled and
 * re-timed is one write). Completions are other tasks: the engine never completes a task it
 * keeps.
 */
export function openTaskUpdates(changes: readonly LeadChanges[]): OpenTaskUpdate[] {
  type Entry = { -readonly [K in keyof OpenTaskUpdate]: OpenTaskUpdate[K] };
  const byId = new Map<string, Entry>();
  const entry = (taskId: string): Entry => {
    const found = byId.get(taskId);
    if (found) return found;
    const fresh: Entry = { taskId };
    byId.set(taskId, fresh);
    return fresh;
  };
  for (const { reassign, retitle = [], reschedule = [] } of changes) {
    for (const { taskId, ownerId } of reassign) entry(taskId).ownerId = ownerId;
    for (const { taskId, title } of retitle) entry(taskId).title = title;
    for (const { taskId, dueAt, note } of reschedule) entry(taskId).moved = { dueAt, note };
  }
  return [...byId.values()];
}
