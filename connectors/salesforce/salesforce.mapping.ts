/** Pure translation between Salesforce Leads/Tasks and the engine's view of a lead. */
import { DateTime } from 'luxon';
import type {
  Activity,
  CadenceTask,
  Channel,
  Outcome,
  Priority,
  TaskCompletion,
  TaskDraft,
} from '../../src/engine/types.ts';
import type { CrmLead, LeadChanges } from '../crm-connector.port.ts';
import {
  completionLine,
  hasStatus,
  type LeadRules,
  markerLine,
  markerReader,
  openTaskUpdates,
  readCompletion,
  text,
} from '../crm-mapping.ts';
import { isUserId } from './salesforce-id.ts';

export interface SalesforceLead {
  readonly Id: string;
  readonly FirstName?: string | null;
  readonly LastName?: string | null;
  readonly Company?: string | null;
  readonly Status?: string | null;
  readonly IsConverted?: boolean | null;
  readonly OwnerId?: string | null;
  readonly CreatedDate?: string | null;
  readonly Phone?: string | null;
  readonly MobilePhone?: string | null;
  readonly Country?: string | null;
  readonly State?: string | null;
  readonly HasOptedOutOfEmail?: boolean | null;
  readonly DoNotCall?: boolean | null;
}

export interface SalesforceTask {
  readonly Id: string;
  readonly Subject?: string | null;
  readonly WhoId?: string | null;
  readonly Status?: string | null;
  readonly IsClosed?: boolean | null;
  readonly ActivityDate?: string | null;
  readonly ReminderDateTime?: string | null;
  readonly Description?: string | null;
  readonly OwnerId?: string | null;
  readonly CreatedDate?: string | null;
  readonly CompletedDateTime?: string | null;
  readonly LastModifiedDate?: string | null;
  readonly TaskSubtype?: string | null;
  readonly CallDisposition?: string | null;
}

export const LEAD_FIELDS = [
  'Id',
  'FirstName',
  'LastName',
  'Company',
  'Status',
  'IsConverted',
  'OwnerId',
  'CreatedDate',
  'Phone',
  'MobilePhone',
  'Country',
  'State',
  'HasOptedOutOfEmail',
  'DoNotCall',
] as const;

export const TASK_FIELDS = [
  'Id',
  'Subject',
  'WhoId',
  'Status',
  'IsClosed',
  'ActivityDate',
  'ReminderDateTime',
  'Description',
  'OwnerId',
  'CreatedDate',
  'CompletedDateTime',
  'LastModifiedDate',
  'TaskSubtype',
  'CallDisposition',
] as const;

const PRIORITY: Record<Priority, string> = { high: 'High', medium: 'Normal', low: 'Low' };
const SUBTYPE: Record<Channel, string> = {
  call: 'Call',
  email: 'Email',
  sms: 'Task',
  social: 'Task',
  task: 'Task',
};

/** Salesforce writes `2026-11-24T15:00:00.000+0000`; engines want ISO with a colon or Z. */
function iso(value: string | null | undefined): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function leadFromSalesforce(lead: SalesforceLead, rules: LeadRules): CrmLead {
  const name = [text(lead.FirstName), text(lead.LastName)].filter(Boolean).join(' ');
  const owner = text(lead.OwnerId);
  // A lead owned by a queue (00G…) has no rep yet: its tasks go to the default owner.
  const ownerId = owner && isUserId(owner) ? owner : rules.defaultOwnerId;
  const company = text(lead.Company);
  const phone = text(lead.Phone) ?? text(lead.MobilePhone);
  const country = text(lead.Country);
  const state = text(lead.State);
  const status = text(lead.Status) ?? '';
  const converted = lead.IsConverted === true;
  const optedOut: Channel[] = [];
  if (lead.DoNotCall) optedOut.push('call', 'sms');
  if (lead.HasOptedOutOfEmail) optedOut.push('email');
  return {
    id: lead.Id,
    name: name || `Lead ${lead.Id}`,
    ...(company === undefined ? {} : { company }),
    ...(ownerId === undefined ? {} : { ownerId }),
    createdAt: iso(lead.CreatedDate) ?? new Date(0).toISOString(),
    ...(phone === undefined ? {} : { phone }),
    ...(country === undefined ? {} : { country }),
    ...(state === undefined ? {} : { state }),
    isOpen: hasStatus(rules.openLeadStatuses, status),
    converted,
    contacted: converted || hasStatus(rules.contactedLeadStatuses, status),
    optedOut,
  };
}

/** The step key on its own line of `Description`, a standard field reps rarely touch. */
const readMarker = markerReader('[A-Za-z0-9]{15,18}');

function taskDescription(draft: TaskDraft): string {
  const marker = markerLine(draft.channel, draft.stepKey);
  return draft.body ? `${draft.body}\n\n${marker}` : marker;
}

/** `ActivityDate`: the day a task is due on in the team's zone. */
const dueDay = (dueAt: string, teamZone: string) =>
  DateTime.fromISO(dueAt, { zone: teamZone }).toISODate() ?? '';

/** A Salesforce Task for a cadence step; `ActivityDate` is the due day in the team's zone. */
export function taskRecord(draft: TaskDraft, leadId: string, teamZone: string) {
  return {
    Subject: draft.title.slice(0, 255),
    WhoId: leadId,
    ...(draft.ownerId === undefined ? {} : { OwnerId: draft.ownerId }),
    ActivityDate: dueDay(draft.dueAt, teamZone),
    ReminderDateTime: draft.reminderAt,
    IsReminderSet: true,
    Priority: PRIORITY[draft.priority],
    Status: 'Not Started',
    TaskSubtype: SUBTYPE[draft.channel],
    Description: taskDescription(draft),
  };
}

/**
 * The updates of open tasks as Salesforce records; `Subject` holds 255 characters, as on create.
 * A task re-timed gets the fields create set from the due time (`ActivityDate`,
 * `ReminderDateTime`) and the line saying why below its `Description`, whose text the deciding
 * round read (`texts`): one it has no text for, completed or deleted since, keeps its time.
 */
export function taskUpdates(
  changes: readonly LeadChanges[],
  texts: ReadonlyMap<string, string>,
  teamZone: string,
) {
  return openTaskUpdates(changes).flatMap(({ taskId, ownerId, title, moved }) => {
    const text = moved && texts.get(taskId);
    const fields = {
      ...(ownerId === undefined ? {} : { OwnerId: ownerId }),
      ...(title === undefined ? {} : { Subject: title.slice(0, 255) }),
      ...(moved && text !== undefined
        ? {
            ActivityDate: dueDay(moved.dueAt, teamZone),
            ReminderDateTime: moved.dueAt,
            Description: `${text}\n\n${moved.note}`,
          }
        : {}),
    };
    return Object.keys(fields).length > 0 ? [{ Id: taskId, ...fields }] : [];
  });
}

/** Call results as reps type them into `CallDisposition` (a free-text field). */
export function outcomeOfCall(disposition: string | null | undefined): Outcome {
  const value = (disposition ?? '').toLowerCase();
  if (/wrong (number|person)|invalid number|disconnected/.test(value)) return 'wrong_number';
  if (/voice ?mail|left (a )?message/.test(value)) return 'voicemail';
  if (/busy/.test(value)) return 'busy';
  if (/meeting (booked|set|scheduled)/.test(value)) return 'meeting';
  if (/connected|reached|spoke|talked|conversation/.test(value)) return 'connected';
  return 'no_answer';
}

function doneAt(task: SalesforceTask): string | undefined {
  return iso(task.CompletedDateTime) ?? iso(task.LastModifiedDate);
}

/** A task this service wrote (with its outcome, if the rep logged one), else `undefined`. */
export function cadenceTaskFrom(task: SalesforceTask): CadenceTask | undefined {
  const marker = readMarker(task.Description ?? '');
  if (!marker) return undefined;
  const closed = task.IsClosed === true;
  const createdAt = iso(task.CreatedDate) ?? new Date(0).toISOString();
  // A task completed from a logged attempt was done when the attempt was made.
  const credited = closed ? readCompletion(task.Description ?? '') : undefined;
  const finished = closed ? (credited?.doneAt ?? doneAt(task)) : undefined;
  const ownerId = text(task.OwnerId);
  const logged = marker.channel === 'call' && closed && text(task.CallDisposition) !== undefined;
  return {
    id: task.Id,
    ...marker,
    status: closed ? 'completed' : 'open',
    createdAt,
    dueAt: iso(task.ReminderDateTime) ?? createdAt,
    ...(finished === undefined ? {} : { doneAt: finished }),
    ...(logged ? { outcome: outcomeOfCall(task.CallDisposition) } : {}),
    ...(credited === undefined ? {} : { credit: credited.credit, outcome: credited.outcome }),
    ...(ownerId === undefined ? {} : { ownerId }),
    ...(typeof task.Description === 'string' ? { body: task.Description } : {}),
    ...(typeof task.Subject === 'string' ? { title: task.Subject } : {}),
  };
}

/** `CallDisposition` as a rep would type it, read back to the same outcome by `outcomeOfCall`. */
const DISPOSITION: Partial<Record<Outcome, string>> = {
  no_answer: 'No answer',
  voicemail: 'Left voicemail',
  busy: 'Busy',
  connected: 'Connected',
  wrong_number: 'Wrong number',
};

/**
 * The fields that complete a cadence task from a logged attempt: `Description` keeps what it
 * said (read just before) and gains the completion line; a call gets the logged disposition.
 */
export function completedTaskFields(description: string, completion: TaskCompletion) {
  const disposition = completion.channel === 'call' ? DISPOSITION[completion.outcome] : undefined;
  return {
    Status: 'Completed',
    Description: `${description}\n\n${completionLine(completion)}`,
    ...(disposition === undefined ? {} : { CallDisposition: disposition }),
  };
}

/** A call or email the rep logged outside the cadence tasks. */
export function activityFrom(task: SalesforceTask): Activity | undefined {
  if (readMarker(task.Description ?? '') || task.IsClosed !== true) return undefined;
  const at = doneAt(task) ?? iso(task.CreatedDate);
  if (at === undefined) return undefined;
  if (task.TaskSubtype === 'Call') {
    return { id: task.Id, channel: 'call', at, outcome: outcomeOfCall(task.CallDisposition) };
  }
  if (task.TaskSubtype === 'Email') return { id: task.Id, channel: 'email', at, outcome: 'sent' };
  return undefined;
}
