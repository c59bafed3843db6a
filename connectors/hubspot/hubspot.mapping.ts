/**
 * Pure translation between HubSpot records and the engine's view of a lead. No I/O here, so
 * every rule about HubSpot's fields is in one file and unit-testable.
 */

import { isoOf as isoFromMs, parseIso } from '../../src/engine/iso-time.ts';
import type {
  Activity,
  CadenceTask,
  Channel,
  Outcome,
  Priority,
  TaskCompletion,
  TaskDraft,
} from '../../src/engine/types.ts';
import type { CrmLead } from '../crm-connector.port.ts';
import {
  completionLine,
  hasStatus,
  type LeadRules,
  markerLine,
  markerReader,
  readCompletion,
  text,
} from '../crm-mapping.ts';

type Properties = Readonly<Record<string, string | null | undefined>>;

export interface HubSpotRecord {
  readonly id: string;
  readonly properties: Properties;
  readonly createdAt?: Date | string;
}

export const CONTACT_PROPERTIES = [
  'firstname',
  'lastname',
  'email',
  'company',
  'phone',
  'mobilephone',
  'country',
  'state',
  'hs_timezone',
  'hubspot_owner_id',
  'hs_lead_status',
  'lifecyclestage',
  'hs_email_optout',
  'createdate',
];

/**
 * Contact properties whose change can change a decision, so HubSpot is asked to announce them:
 * `email` only names a contact that has no name, and `createdate` never changes.
 */
export const WATCHED_CONTACT_PROPERTIES = CONTACT_PROPERTIES.filter(
  (name) => name !== 'email' && name !== 'createdate',
);

/** The contact properties to read: the standard ones and the admin's do-not-call checkbox. */
export function contactProperties(doNotCallProperty?: string): string[] {
  return doNotCallProperty ? [...CONTACT_PROPERTIES, doNotCallProperty] : [...CONTACT_PROPERTIES];
}

/** The contact properties whose change HubSpot must announce. */
export function watchedContactProperties(doNotCallProperty?: string): string[] {
  return doNotCallProperty
    ? [...WATCHED_CONTACT_PROPERTIES, doNotCallProperty]
    : [...WATCHED_CONTACT_PROPERTIES];
}

/** HubSpot's ids of the object types the service follows, as webhook events name them. */
export const OBJECT_TYPE_ID = {
  contact: '0-1',
  task: '0-27',
  call: '0-48',
  email: '0-49',
} as const;

export const TASK_PROPERTIES = [
  'hs_task_body',
  'hs_task_status',
  'hs_timestamp',
  'hubspot_owner_id',
  'hs_createdate',
  'hs_task_completion_date',
  'hs_lastmodifieddate',
  'hs_task_reminders',
  'hs_task_subject',
];

export const CALL_PROPERTIES = ['hs_timestamp', 'hs_call_disposition', 'hs_call_status'];
export const EMAIL_PROPERTIES = ['hs_timestamp', 'hs_email_direction'];

/** Lifecycle stages past the lead stages: the contact became a deal or a customer. */
const CONVERTED_STAGES = new Set(['opportunity', 'customer', 'evangelist']);

/** HubSpot's default call outcomes (`hs_call_disposition` GUIDs). */
export const CALL_OUTCOMES: Readonly<Record<string, Outcome>> = {
  'f240bbac-87c9-4f6e-bf70-924b57d47db7': 'connected',
  '17b47fee-58de-441e-a44c-c6300d46f273': 'wrong_number',
  '73a0d17f-1163-4015-bdd5-ec830791da20': 'no_answer',
  '9d9162e7-6cf3-4944-bf63-4dff82258764': 'busy',
  'b2cf5968-551e-4856-9783-52b3da59a7d0': 'voicemail',
  // A live message was left with someone else: an attempt, not a conversation with the lead.
  'a4c4c377-d246-4b32-a13b-75a56a4cd0ff': 'voicemail',
};

/** HUBSPOT_DEFINED association type of task → contact. */
export const TASK_TO_CONTACT = 204;

const TASK_TYPE: Record<Channel, string> = {
  call: 'CALL',
  email: 'EMAIL',
  sms: 'TODO',
  social: 'TODO',
  task: 'TODO',
};

const TASK_PRIORITY: Record<Priority, string> = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

function isoOf(value: string | null | undefined): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  // The engine's arithmetic twins of Date.parse and toISOString: the same strings, a fraction of
  // the time, for the dates of every record a delivery reads or writes.
  const ms = /^\d+$/.test(raw) ? Number(raw) : parseIso(raw);
  return Number.isNaN(ms) ? undefined : isoFromMs(ms);
}

const zonesByHubSpotName = new Map(
  Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]),
);

/**
 * `hs_timezone` holds IANA names as lowercase slugs: `america_slash_new_york`,
 * `america_slash_port_hyphen_au_hyphen_prince`.
 */
export function zoneFromHubSpot(value: string | null | undefined): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const name = raw
    .toLowerCase()
    .replaceAll('_slash_', '/')
    .replaceAll('_hyphen_', '-')
    .replaceAll('_plus_', '+');
  return zonesByHubSpotName.get(name);
}

/** Lead rules plus HubSpot's own: the checkbox property that marks a contact do-not-call. */
export interface HubSpotLeadRules extends LeadRules {
  /**
   * HubSpot contacts have no standard do-not-call flag: the admin names a single-checkbox
   * property, and a contact with it checked gets no calls or texts, like Salesforce's DoNotCall.
   */
  readonly doNotCallProperty?: string | undefined;
}

function optedOutChannels(p: Properties, rules: HubSpotLeadRules): Channel[] {
  const channels: Channel[] = [];
  if (rules.doNotCallProperty && p[rules.doNotCallProperty] === 'true')
    channels.push('call', 'sms');
  if (p.hs_email_optout === 'true') channels.push('email');
  return channels;
}

export function leadFromContact(contact: HubSpotRecord, rules: HubSpotLeadRules): CrmLead {
  const p = contact.properties;
  const fullName = [text(p.firstname), text(p.lastname)].filter(Boolean).join(' ');
  const status = text(p.hs_lead_status);
  const stage = text(p.lifecyclestage);
  const converted = stage !== undefined && CONVERTED_STAGES.has(stage);
  const owner = text(p.hubspot_owner_id) ?? rules.defaultOwnerId;
  const company = text(p.company);
  const timezone = zoneFromHubSpot(p.hs_timezone);
  const phone = text(p.phone) ?? text(p.mobilephone);
  const country = text(p.country);
  const state = text(p.state);
  const created =
    isoOf(p.createdate) ??
    (contact.createdAt ? new Date(contact.createdAt).toISOString() : new Date(0).toISOString());
  return {
    id: contact.id,
    name: fullName || text(p.email) || `Contact ${contact.id}`,
    ...(company === undefined ? {} : { company }),
    ...(owner === undefined ? {} : { ownerId: owner }),
    createdAt: created,
    ...(timezone === undefined ? {} : { timezone }),
    ...(phone === undefined ? {} : { phone }),
    ...(country === undefined ? {} : { country }),
    ...(state === undefined ? {} : { state }),
    isOpen: status === undefined || hasStatus(rules.openLeadStatuses, status),
    converted,
    contacted:
      converted || (status !== undefined && hasStatus(rules.contactedLeadStatuses, status)),
    optedOut: optedOutChannels(p, rules),
  };
}

/**
 * The step key lives in the task body, a standard field, on a line of its own: HubSpot has no
 * external-id field on tasks, and reps rename subjects far more often than they edit bodies.
 */
const readMarker = markerReader('\\d+');

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function taskBody(draft: TaskDraft): string {
  const guidance = draft.body ? `<p>${escapeHtml(draft.body)}</p>` : '';
  return `${guidance}<p>${markerLine(draft.channel, escapeHtml(draft.stepKey))}</p>`;
}

/** HubSpot properties of a new cadence task. */
export function taskProperties(draft: TaskDraft): Record<string, string> {
  return {
    hs_task_type: TASK_TYPE[draft.channel],
    hs_task_subject: draft.title,
    hs_task_body: taskBody(draft),
    hs_timestamp: draft.dueAt,
    hs_task_reminders: String(Date.parse(draft.reminderAt)),
    hs_task_priority: TASK_PRIORITY[draft.priority],
    hs_task_status: 'NOT_STARTED',
    ...(draft.ownerId === undefined ? {} : { hubspot_owner_id: draft.ownerId }),
  };
}

/** A task this service wrote, or `undefined` for any other task on the contact. */
export function cadenceTaskFrom(task: HubSpotRecord): CadenceTask | undefined {
  const p = task.properties;
  const marker = readMarker(p.hs_task_body ?? '');
  if (!marker) return undefined;
  const completed = p.hs_task_status === 'COMPLETED';
  const createdAt = isoOf(p.hs_createdate) ?? new Date(task.createdAt ?? 0).toISOString();
  const dueAt = isoOf(p.hs_timestamp) ?? createdAt;
  // A task completed from a logged attempt was done when the attempt was made.
  const logged = completed ? readCompletion(p.hs_task_body ?? '') : undefined;
  const doneAt = completed
    ? (logged?.doneAt ?? isoOf(p.hs_task_completion_date) ?? isoOf(p.hs_lastmodifieddate))
    : undefined;
  const ownerId = text(p.hubspot_owner_id);
  // The first of the reminders this service sets is the moment the step became due.
  const reminderAt = isoOf(text(p.hs_task_reminders)?.split(';')[0]);
  return {
    id: task.id,
    ...marker,
    status: completed ? 'completed' : 'open',
    createdAt,
    dueAt,
    ...(reminderAt === undefined ? {} : { reminderAt }),
    ...(doneAt === undefined ? {} : { doneAt }),
    ...(logged === undefined ? {} : { credit: logged.credit, outcome: logged.outcome }),
    ...(ownerId === undefined ? {} : { ownerId }),
    ...(typeof p.hs_task_body === 'string' ? { body: p.hs_task_body } : {}),
    ...(typeof p.hs_task_subject === 'string' ? { title: p.hs_task_subject } : {}),
  };
}

export function activityFromCall(call: HubSpotRecord): Activity | undefined {
  const at = isoOf(call.properties.hs_timestamp);
  if (at === undefined) return undefined;
  const disposition = text(call.properties.hs_call_disposition);
  const status = text(call.properties.hs_call_status);
  // Without a known disposition a logged call is an attempt (busy when the dialer said so).
  const outcome: Outcome =
    (disposition && CALL_OUTCOMES[disposition]) || (status === 'BUSY' ? 'busy' : 'no_answer');
  return { id: call.id, channel: 'call', at, outcome };
}

export function activityFromEmail(email: HubSpotRecord): Activity | undefined {
  const at = isoOf(email.properties.hs_timestamp);
  if (at === undefined) return undefined;
  const incoming = email.properties.hs_email_direction === 'INCOMING_EMAIL';
  return { id: email.id, channel: 'email', at, outcome: incoming ? 'replied' : 'sent' };
}

/**
 * The properties that move an open call or text to its new due time: the reminder with it, as
 * on create, and the line saying why below its body (`body` as read just before, as above).
 */
export function movedTaskProperties(
  body: string,
  moved: { readonly dueAt: string; readonly note: string },
): Record<string, string> {
  return {
    hs_timestamp: moved.dueAt,
    hs_task_reminders: String(Date.parse(moved.dueAt)),
    hs_task_body: `${body}<p>${escapeHtml(moved.note)}</p>`,
  };
}

/**
 * The properties that complete a cadence task from a logged attempt: its body keeps what it
 * said and gains the completion line (HubSpot replaces a property whole, so `body` is the body
 * read just before).
 */
export function completedTaskProperties(
  body: string,
  completion: TaskCompletion,
): Record<string, string> {
  return {
    hs_task_status: 'COMPLETED',
    hs_task_body: `${body}<p>${escapeHtml(completionLine(completion))}</p>`,
  };
}
