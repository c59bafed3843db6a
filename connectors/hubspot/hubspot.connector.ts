import { Client } from '@hubspot/api-client';
import type { CadenceTask, TaskCompletion } from '../../src/engine/types.ts';
import { cachedReadiness, chunks } from '../batching.ts';
import {
  type ActivityRef,
  type CrmConnector,
  CrmError,
  type LeadChanges,
  type LeadRecord,
} from '../crm-connector.port.ts';
import { type LeadRuleOptions, leadRules, openTaskUpdates, taskTexts } from '../crm-mapping.ts';
import type { StatusPicklist } from '../lead-statuses.ts';
import type { RequestGate } from '../request-gate.ts';
import { crmCaller } from '../retry.ts';
import type { CrmTelemetry } from '../telemetry.ts';
import { type HubSpotFailure, hubspotError } from './hubspot.errors.ts';
import { readLeadStatusPicklist } from './hubspot.lead-status.ts';
import { limitReader } from './hubspot.limits.ts';
import {
  activityFromCall,
  activityFromEmail,
  CALL_PROPERTIES,
  cadenceTaskFrom,
  completedTaskProperties,
  contactProperties,
  EMAIL_PROPERTIES,
  type HubSpotRecord,
  leadFromContact,
  movedTaskProperties,
  TASK_PROPERTIES,
  TASK_TO_CONTACT,
  taskProperties,
} from './hubspot.mapping.ts';
import { hubspotApi, hubspotPath } from './hubspot.rest.ts';

export { LEAD_STATUS_PROPERTY } from './hubspot.lead-status.ts';

export interface HubSpotConnectorOptions extends LeadRuleOptions {
  readonly accessToken: string;
  /** `https://api.hubapi.com`, or a local emulator in tests. */
  readonly apiBaseUrl: string;
  /** Keeps the calls under the app's rate limit. */
  readonly gate: RequestGate;
  /** Counts each attempt and retry, for metrics. */
  readonly telemetry?: CrmTelemetry | undefined;
  /** The contact checkbox property that marks a contact do-not-call; unset, none does. */
  readonly doNotCallProperty?: string | undefined;
}

/** One filter of a CRM search: HubSpot compares datetimes as epoch milliseconds. */
interface SearchFilter {
  readonly propertyName: string;
  readonly operator: 'GT' | 'GTE' | 'LT';
  readonly value: string;
}

/** HubSpot's batch endpoints take at most 100 inputs; association reads up to 1000. */
const BATCH = 100;
const ASSOCIATION_BATCH = 1000;
/** Up to this many contacts a delivery reads one by one, each with its associations. */
const FEW = 3;
/** Search returns at most 200 records a page. */
const SEARCH_PAGE = 200;

type ObjectType = 'tasks' | 'calls' | 'emails';
const OBJECT_OF: Record<ActivityRef['kind'], ObjectType> = {
  task: 'tasks',
  call: 'calls',
  email: 'emails',
};

/** Records by id, as `map` turns them (those it turns into nothing are left out). */
function mappedById<T>(
  records: readonly HubSpotRecord[],
  map: (record: HubSpotRecord) => T | undefined,
): Map<string, T> {
  return new Map(
    records.flatMap((r) => {
      const value = map(r);
      return value === undefined ? [] : [[r.id, value] as const];
    }),
  );
}

/** A record read with `associations=`: per type, the associated ids and whether more pages wait. */
interface ContactWithLinks extends HubSpotRecord {
  readonly associations?: Record<
    string,
    { readonly results: readonly { id: string }[]; readonly paging?: { next?: unknown } }
  >;
}

interface BatchOutcome {
  readonly results: readonly HubSpotRecord[];
  readonly errors?: readonly { category?: string; message?: string }[] | undefined;
}

/**
 * A page of HubSpot's association batch read. `toObjectId` was a number on the wire in v4; the
 * 2026-09 reference documents a string: either is read.
 */
interface AssociationPage {
  readonly results: readonly {
    readonly from: { readonly id: string };
    readonly to: readonly { readonly toObjectId: number | string }[];
    readonly paging?: { readonly next?: { readonly after?: string } };
  }[];
}

/**
 * The records of a batch answer, or the failure HubSpot reported in a 207. Records that do not
 * exist (`OBJECT_NOT_FOUND`) are only a failure where `missingIsFailure` says so.
 */
function resultsOf(outcome: BatchOutcome, missingIsFailure = false): readonly HubSpotRecord[] {
  const errors = (outcome.errors ?? []).filter(
    (e) => missingIsFailure || e.category !== 'OBJECT_NOT_FOUND',
  );
  if (errors.length > 0) {
    const message = `HubSpot refused part of a batch: ${errors.map((e) => e.message).join('; ')}`;
    throw new CrmError(message, { code: 'crm_rejected', retryable: false });
  }
  return outcome.results;
}

/** HubSpot refused an owner id, e.g. of a deactivated user. */
const ownerRefused = (error: unknown) =>
  error instanceof CrmError && /INVALID_OWNER_ID/.test(error.message);

function withOwner<T extends { properties: Record<string, string> }>(input: T, owner?: string): T {
  const { hubspot_owner_id: _refused, ...properties } = input.properties;
  return {
    ...input,
    properties: owner === undefined ? properties : { ...properties, hubspot_owner_id: owner },
  };
}

export interface HubSpotConnector extends CrmConnector {
  readonly name: 'hubspot';
  /** The options of `hs_lead_status`, read once at start-up to check the configured statuses. */
  leadStatusPicklist(): Promise<StatusPicklist>;
}

export function createHubSpotConnector(options: HubSpotConnectorOptions): HubSpotConnector {
  // The SDK's own retries and limiter stay off: retries are ours (with backoff and Retry-After).
  const limits = limitReader(options.gate);
  const client = new Client({
    accessToken: options.accessToken,
    basePath: options.apiBaseUrl,
    numberOfApiCallRetries: 0,
    middleware: [limits],
  });
  const { get, post } = hubspotApi(client, [limits]);
  const rules = { ...leadRules(options), doNotCallProperty: options.doNotCallProperty };
  const contactFields = contactProperties(options.doNotCallProperty);
  const call = crmCaller(hubspotError, options);
  const updateTasks = (inputs: readonly { id: string; properties: Record<string, string> }[]) =>
    post<BatchOutcome>(hubspotPath.objects('tasks', '/batch/update'), { inputs });

  async function readObjects(
    type: 'contacts' | ObjectType,
    ids: readonly string[],
    properties: string[],
  ): Promise<HubSpotRecord[]> {
    const pages = await Promise.all(
      chunks(ids, BATCH).map((part) =>
        call(`batch read of ${type}`, async () => {
          const outcome = await post<BatchOutcome>(hubspotPath.objects(type, '/batch/read'), {
            inputs: part.map((id) => ({ id })),
            properties,
            propertiesWithHistory: [],
          });
          return resultsOf(outcome);
        }),
      ),
    );
    return pages.flat();
  }

  /** Associated ids per source id, following HubSpot's per-record paging. */
  async function associations(
    from: string,
    to: string,
    ids: readonly string[],
  ): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    let pending = ids.map((id) => ({ id }) as { id: string; after?: string });
    while (pending.length > 0) {
      const next: { id: string; after: string }[] = [];
      for (const part of chunks(pending, ASSOCIATION_BATCH)) {
        const page = await call(`association read ${from}→${to}`, () =>
          post<AssociationPage>(hubspotPath.associations(from, to, '/batch/read'), {
            inputs: part,
          }),
        );
        for (const result of page.results) {
          const list = found.get(result.from.id) ?? [];
          list.push(...result.to.map((t) => String(t.toObjectId)));
          found.set(result.from.id, list);
          const after = result.paging?.next?.after;
          if (after) next.push({ id: result.from.id, after });
        }
      }
      pending = next;
    }
    return found;
  }

  /**
   * The records of `type` associated with each contact, mapped (records `map` rejects are left
   * out): one association read and one batch read per chunk, for all contacts at once.
   */
  async function linked<T>(
    type: ObjectType,
    contactIds: readonly string[],
    properties: string[],
    map: (record: HubSpotRecord) => T | undefined,
    known: ReadonlyMap<string, T> = new Map(),
  ): Promise<Map<string, T[]>> {
    const links = await associations('contacts', type, contactIds);
    const unknown = [...new Set([...links.values()].flat())].filter((id) => !known.has(id));
    const records = await readObjects(type, unknown, properties);
    const byId = new Map([...known, ...mappedById(records, map)]);
    return new Map(
      contactIds.map((id) => [id, (links.get(id) ?? []).flatMap((to) => byId.get(to) ?? [])]),
    );
  }

  /**
   * One contact with the ids of its tasks, calls and emails, in one request (the single-object
   * read with `associations=`); undefined when there is no such contact, or when a list of
   * associations has more pages (then the batch path reads it whole).
   */
  async function readLinked(id: string) {
    const contact = await call('read of a contact', async () => {
      try {
        return await get<ContactWithLinks>(
          hubspotPath.objects('contacts', `/${encodeURIComponent(id)}`),
          { properties: contactFields.join(','), associations: 'tasks,calls,emails' },
        );
      } catch (error) {
        if ((error as HubSpotFailure).code === 404) return undefined;
        throw error;
      }
    });
    if (!contact) return { id, found: false as const };
    const lists = contact.associations ?? {};
    if (Object.values(lists).some((list) => list.paging?.next)) return undefined;
    const idsOf = (type: ObjectType) => (lists[type]?.results ?? []).map((link) => link.id);
    return {
      id,
      found: true as const,
      contact: contact as HubSpotRecord,
      links: { tasks: idsOf('tasks'), calls: idsOf('calls'), emails: idsOf('emails') },
    };
  }

  /**
   * A delivery about a few contacts (HubSpot sends one event at a time when traffic is light)
   * reads each with its associations in one request, then only the activities that exist: a
   * new contact costs one read, not four.
   */
  async function loadFew(ids: readonly string[]): Promise<Map<string, LeadRecord> | undefined> {
    const read = await Promise.all(ids.map(readLinked));
    if (read.some((r) => r === undefined)) return undefined;
    const found = read.flatMap((r) => (r?.found ? [r] : []));
    const all = (type: ObjectType) => [...new Set(found.flatMap((r) => r.links[type]))];
    const [tasks, calls, emails] = await Promise.all([
      readObjects('tasks', all('tasks'), TASK_PROPERTIES),
      readObjects('calls', all('calls'), CALL_PROPERTIES),
      readObjects('emails', all('emails'), EMAIL_PROPERTIES),
    ]);
    const byId = {
      tasks: mappedById(tasks, cadenceTaskFrom),
      calls: mappedById(calls, activityFromCall),
      emails: mappedById(emails, activityFromEmail),
    };
    const pick = <T>(ids: readonly string[], from: Map<string, T>) =>
      ids.flatMap((id) => from.get(id) ?? []);
    return new Map(
      found.map(({ id, contact, links }) => [
        id,
        {
          lead: leadFromContact(contact, rules),
          tasks: pick(links.tasks, byId.tasks),
          activities: [...pick(links.calls, byId.calls), ...pick(links.emails, byId.emails)],
        },
      ]),
    );
  }

  async function loadLeads(ids: readonly string[]): Promise<Map<string, LeadRecord>> {
    const records = new Map<string, LeadRecord>();
    if (ids.length === 0) return records;
    if (ids.length <= FEW) {
      const few = await loadFew(ids);
      if (few) return few;
    }
    // The contacts and their activities are read side by side, not one after the other: one
    // round trip less per delivery. Ids that turn out not to be contacts are simply left out.
    const [contacts, tasks, calls, emails] = await Promise.all([
      readObjects('contacts', ids, contactFields),
      linked('tasks', ids, TASK_PROPERTIES, cadenceTaskFrom),
      linked('calls', ids, CALL_PROPERTIES, activityFromCall),
      linked('emails', ids, EMAIL_PROPERTIES, activityFromEmail),
    ]);
    for (const contact of contacts) {
      records.set(contact.id, {
        lead: leadFromContact(contact, rules),
        tasks: tasks.get(contact.id) ?? [],
        activities: [...(calls.get(contact.id) ?? []), ...(emails.get(contact.id) ?? [])],
      });
    }
    return records;
  }

  async function applyChanges(changes: readonly LeadChanges[]): Promise<CadenceTask[]> {
    const creates = changes.flatMap(({ leadId, create }) =>
      create.map((draft) => ({
        properties: taskProperties(draft),
        associations: [
          {
            to: { id: leadId },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TASK_TO_CONTACT }],
          },
        ],
      })),
    );
    const archives = changes.flatMap(({ close }) => close.map(({ taskId }) => ({ id: taskId })));
    // New tasks first: a new lead waiting for its first call matters more than tidying up.
    const create = (inputs: typeof creates) =>
      call(
        'batch create of tasks',
        async () =>
          resultsOf(
            await post<BatchOutcome>(hubspotPath.objects('tasks', '/batch/create'), { inputs }),
            true,
          ),
        false,
      );
    const createPart = async (part: typeof creates) => {
      try {
        return await create(part);
      } catch (error) {
        // A contact owned by a deactivated user would block its lead forever: HubSpot validates
        // the whole batch before writing, so nothing landed and the batch can go again with
        // those tasks on the default owner (or unassigned).
        if (!ownerRefused(error)) throw error;
        return await create(part.map((input) => withOwner(input, options.defaultOwnerId)));
      }
    };
    // The parts go side by side (200 new tasks: one round trip, not two), and all of them
    // settle before a failure is passed on: the round that reads again after it must not race
    // a create still in flight.
    const settled = await Promise.allSettled(chunks(creates, BATCH).map(createPart));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const created = settled.flatMap((s) =>
      s.status === 'fulfilled' ? s.value.flatMap((r) => cadenceTaskFrom(r) ?? []) : [],
    );
    await updateTaskFields(changes);
    for (const part of chunks(archives, BATCH)) {
      await call('batch archive of tasks', () =>
        post<undefined>(hubspotPath.objects('tasks', '/batch/archive'), { inputs: part }),
      );
    }
    return created;
  }

  /**
   * The open tasks to complete or re-time, with their text: HubSpot replaces a property whole,
   * so the body goes back with the completion line or the line saying why it moved added. The
   * text the deciding round read is used as it is; a task it did not read is read now. A task a
   * rep completed or deleted is left as it is.
   */
  async function openBodies(changes: readonly LeadChanges[]): Promise<Map<string, string>> {
    const { texts: bodies, unread } = taskTexts(changes);
    const current = await readObjects('tasks', unread, ['hs_task_body', 'hs_task_status']);
    for (const t of current) {
      if (t.properties.hs_task_status !== 'COMPLETED')
        bodies.set(t.id, t.properties.hs_task_body ?? '');
    }
    return bodies;
  }

  /**
   * Completes tasks from logged attempts, each with the attempt noted on it, and gives the open
   * tasks the engine keeps their new owner, true title and lawful due time, all in the same
   * batches with one input per task: a delivery that completes, reassigns, retitles and re-times
   * costs one request per 100 tasks. The engine never completes a task it keeps.
   */
  async function updateTaskFields(changes: readonly LeadChanges[]): Promise<void> {
    const completions = changes.flatMap(({ complete = [] }) => complete);
    const moves = changes.some(({ reschedule = [] }) => reschedule.length > 0);
    const bodies =
      completions.length > 0 || moves ? await openBodies(changes) : new Map<string, string>();
    const completed = completions.flatMap((c: TaskCompletion) => {
      const body = bodies.get(c.taskId);
      return body === undefined
        ? []
        : [{ id: c.taskId, properties: completedTaskProperties(body, c) }];
    });
    const kept = openTaskUpdates(changes).flatMap(({ taskId, ownerId, title, moved }) => {
      const properties: Record<string, string> = {};
      if (ownerId !== undefined) properties.hubspot_owner_id = ownerId;
      if (title !== undefined) properties.hs_task_subject = title;
      // A task completed or deleted since it was read keeps the time it had.
      const body = moved && bodies.get(taskId);
      if (moved && body !== undefined) Object.assign(properties, movedTaskProperties(body, moved));
      return Object.keys(properties).length > 0 ? [{ id: taskId, properties }] : [];
    });
    for (const part of chunks([...completed, ...kept], BATCH)) {
      try {
        await call('batch update of tasks', async () => resultsOf(await updateTasks(part)));
      } catch (error) {
        // An owner HubSpot refuses (a deactivated user) keeps the tasks where they are. HubSpot
        // validates a batch whole before it writes, so the rest of it goes again without owners.
        if (!ownerRefused(error)) throw error;
        const rest = part.map((input) => withOwner(input));
        const left = rest.filter((input) => Object.keys(input.properties).length > 0);
        if (left.length === 0) continue;
        await call('batch update of tasks', async () => resultsOf(await updateTasks(left)));
      }
    }
  }

  async function leadsOfActivities(refs: readonly ActivityRef[]): Promise<string[]> {
    const kinds = (['task', 'call', 'email'] as const).flatMap((kind) => {
      const ids = [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))];
      return ids.length > 0 ? [{ kind, ids }] : [];
    });
    const links = await Promise.all(
      kinds.map(({ kind, ids }) => associations(OBJECT_OF[kind], 'contacts', ids)),
    );
    return [...new Set(links.flatMap((byRecord) => [...byRecord.values()].flat()))];
  }

  function loadTasks(
    leadIds: readonly string[],
    known?: ReadonlyMap<string, CadenceTask>,
  ): Promise<Map<string, CadenceTask[]>> {
    return linked('tasks', leadIds, TASK_PROPERTIES, cadenceTaskFrom, known);
  }

  /**
   * Ids of the records of `type` that match `filters`. Pages by id (`hs_object_id` above the
   * last one seen, ascending), not by offset: a record changed while the sweep runs cannot
   * shift others past the cursor, and HubSpot's 10,000-result cap per search never applies,
   * since each page is a search of its own.
   */
  async function* searchIds(type: 'contacts' | ObjectType, filters: readonly SearchFilter[]) {
    let lastId = '0';
    for (;;) {
      const request = {
        filterGroups: [
          {
            filters: [...filters, { propertyName: 'hs_object_id', operator: 'GT', value: lastId }],
          },
        ],
        // HubSpot's reference types sorts as strings; its search guide documents the object form.
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        properties: ['hs_object_id'],
        limit: SEARCH_PAGE,
      };
      const page = await call(`search of ${type}`, () =>
        post<{ results: readonly { id: string }[] }>(hubspotPath.objects(type, '/search'), request),
      );
      const ids = page.results.map((r) => r.id);
      if (ids.length > 0) yield ids;
      if (ids.length < SEARCH_PAGE) return;
      lastId = ids.at(-1) ?? lastId;
    }
  }

  /** Ids of the records of `type` changed at or after `since` (epoch ms). */
  function changedSince(type: 'contacts' | ObjectType, since: number) {
    const modified = type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
    return searchIds(type, [{ propertyName: modified, operator: 'GTE', value: String(since) }]);
  }

  function leadsCreatedBetween(since: string, until: string): AsyncIterable<string[]> {
    return searchIds('contacts', [
      { propertyName: 'createdate', operator: 'GTE', value: String(Date.parse(since)) },
      { propertyName: 'createdate', operator: 'LT', value: String(Date.parse(until)) },
    ]);
  }

  async function* leadsTouchedSince(since: string): AsyncIterable<string[]> {
    const from = Date.parse(since);
    yield* changedSince('contacts', from);
    for (const kind of ['task', 'call', 'email'] as const) {
      for await (const ids of changedSince(OBJECT_OF[kind], from)) {
        const leads = await leadsOfActivities(ids.map((id) => ({ kind, id })));
        if (leads.length > 0) yield leads;
      }
    }
  }

  const isReady = cachedReadiness(() => get(hubspotPath.objects('contacts'), { limit: '1' }));

  return {
    name: 'hubspot',
    loadLeads,
    applyChanges,
    leadsOfActivities,
    loadTasks,
    leadsTouchedSince,
    leadsCreatedBetween,
    // 100 new contacts: a contact read, three association reads, two creates of 100 tasks and
    // the twin check's association read (bench/calls-per-lead.bench.ts).
    typicalRequests: 7,
    isReady,
    leadStatusPicklist: () =>
      call('read of the contact property hs_lead_status', () => readLeadStatusPicklist(get)),
    async close() {},
  };
}
