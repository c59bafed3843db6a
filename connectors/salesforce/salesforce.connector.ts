import { Connection } from 'jsforce';
import type { CadenceTask } from '../../src/engine/types.ts';
import { cachedReadiness, chunks } from '../batching.ts';
import {
  type ActivityRef,
  type CrmConnector,
  CrmError,
  type LeadChanges,
  type LeadRecord,
} from '../crm-connector.port.ts';
import { type LeadRuleOptions, leadRules, taskTexts } from '../crm-mapping.ts';
import type { StatusPicklist } from '../lead-statuses.ts';
import type { RequestGate } from '../request-gate.ts';
import { crmCaller } from '../retry.ts';
import type { CrmTelemetry } from '../telemetry.ts';
import type { SalesforceAuth } from './salesforce.config.ts';
import { leadStatusPicklist } from './salesforce.lead-status.ts';
import {
  activityFrom,
  cadenceTaskFrom,
  completedTaskFields,
  LEAD_FIELDS,
  leadFromSalesforce,
  type SalesforceLead,
  type SalesforceTask,
  TASK_FIELDS,
  taskRecord,
  taskUpdates,
} from './salesforce.mapping.ts';
import { isLeadId, to18 } from './salesforce-id.ts';

export { LEAD_STATUS_FIELD } from './salesforce.lead-status.ts';

export interface SalesforceConnectorOptions extends LeadRuleOptions {
  readonly auth: SalesforceAuth;
  readonly apiVersion: string;
  /** The team's zone: a task's `ActivityDate` is its due day there. */
  readonly teamZone: string;
  /** Keeps the requests under the org's limits. */
  readonly gate: RequestGate;
  /** Counts each attempt and retry, for metrics. */
  readonly telemetry?: CrmTelemetry | undefined;
}

/** A SOQL datetime literal (whole seconds, UTC): `round` says which way a fraction goes. */
function soqlDateTime(iso: string, round: (seconds: number) => number): string {
  return new Date(round(Date.parse(iso) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** sObject Collections take at most 200 records a request. */
const COLLECTION = 200;
/** Ids per SOQL `IN (…)`: keeps the GET query URL well under Salesforce's 16 KB limit. */
const IN_LIST = 200;
const MAX_REFRESHES_PER_MINUTE = 3;
const RECORD_LOCKED = 'UNABLE_TO_LOCK_ROW';

/** The distinct leads among the tasks' `WhoId`s (a task may also be on a contact). */
const leadsOf = (tasks: readonly { WhoId?: string | null }[]) => [
  ...new Set(tasks.flatMap((t) => (t.WhoId && isLeadId(t.WhoId) ? [t.WhoId] : []))),
];

const soqlList = (ids: readonly string[]) => ids.map((id) => `'${id}'`).join(',');

interface SalesforceFailure {
  readonly errorCode?: unknown;
  readonly message?: unknown;
}

/** The tasks of a lead as a parent-to-child subquery answers them. */
interface ChildTasks {
  readonly done: boolean;
  readonly records: SalesforceTask[];
}

/**
 * `REQUEST_LIMIT_EXCEEDED` with "TotalRequests": the org's rolling 24-hour API allocation is
 * spent (the same code with "ConcurrentPerOrgLongTxn" is the concurrency limit, which passes).
 * Source: https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 */
function dailyLimitRefusal(error: unknown): boolean {
  const { errorCode, message } = (error ?? {}) as SalesforceFailure;
  return errorCode === 'REQUEST_LIMIT_EXCEEDED' && /TotalRequests/i.test(String(message));
}

/** Maps what jsforce throws (`errorCode` from Salesforce's error body) to a `CrmError`. */
function salesforceError(operation: string, error: unknown): CrmError {
  const failure = (error ?? {}) as SalesforceFailure;
  const code = typeof failure.errorCode === 'string' ? failure.errorCode : undefined;
  const detail = typeof failure.message === 'string' ? failure.message : String(error);
  const message = `Salesforce ${operation} failed${code ? ` (${code})` : ''}: ${detail}`;
  const options = { cause: error };
  if (/Unable to refresh session/.test(detail)) {
    return new CrmError(message, { code: 'crm_auth_failed', retryable: false, ...options });
  }
  if (code === undefined) {
    return new CrmError(message, { code: 'crm_unreachable', retryable: true, ...options });
  }
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    return new CrmError(message, {
      code: 'crm_rate_limited',
      retryable: true,
      retryAfterSeconds: 60,
      ...options,
    });
  }
  if (
    /^ERROR_HTTP_5\d\d$/.test(code) ||
    ['SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', RECORD_LOCKED].includes(code)
  ) {
    return new CrmError(message, { code: 'crm_unavailable', retryable: true, ...options });
  }
  if (
    code === 'INVALID_SESSION_ID' ||
    code === 'INVALID_AUTH_HEADER' ||
    code === 'ERROR_HTTP_401'
  ) {
    return new CrmError(message, { code: 'crm_auth_failed', retryable: false, ...options });
  }
  return new CrmError(message, { code: 'crm_rejected', retryable: false, ...options });
}

interface SaveResult {
  readonly id?: string;
  readonly success: boolean;
  readonly errors?: readonly (
    | { statusCode?: string; errorCode?: string; message?: string }
    | string
  )[];
}

function failures(results: readonly SaveResult[], ignore: readonly string[] = []): string[] {
  return results.flatMap((r) =>
    r.success
      ? []
      : (r.errors ?? []).flatMap((e) => {
          const code = typeof e === 'string' ? e : (e.statusCode ?? e.errorCode ?? '');
          if (ignore.includes(code)) return [];
          return [typeof e === 'string' ? e : `${code}: ${e.message ?? ''}`];
        }),
  );
}

export interface SalesforceConnector extends CrmConnector {
  readonly name: 'salesforce';
  /** Fetches the first token of the client-credentials flow; a no-op with a ready session. */
  connect(): Promise<void>;
  /** The values of Lead `Status`, read once at start-up to check the configured statuses. */
  leadStatusPicklist(): Promise<StatusPicklist>;
}

export function createSalesforceConnector(
  options: SalesforceConnectorOptions,
): SalesforceConnector {
  const { auth, apiVersion, teamZone } = options;
  const rules = leadRules(options);

  /** Client credentials: a new token from the token endpoint, also when a session expires. */
  async function requestToken(conn: Connection) {
    const token = (await conn.oauth2.requestToken({ grant_type: 'client_credentials' })) as {
      access_token: string;
      instance_url: string;
    };
    conn.instanceUrl = token.instance_url;
    return token;
  }

  const conn =
    auth.kind === 'token'
      ? new Connection({
          instanceUrl: auth.instanceUrl,
          accessToken: auth.accessToken,
          version: apiVersion,
        })
      : new Connection({
          loginUrl: auth.loginUrl,
          version: apiVersion,
          oauth2: {
            loginUrl: auth.loginUrl,
            clientId: auth.clientId,
            clientSecret: auth.clientSecret,
          },
          refreshFn: (c, callback) => {
            // jsforce refreshes on every 401 and resends: a token that is refused at once again
            // (a revoked app, a wrong Run As user) must end in an error, not a loop.
            const at = Date.now();
            refreshes = refreshes.filter((t) => at - t < 60_000);
            if (refreshes.length >= MAX_REFRESHES_PER_MINUTE) {
              callback(new Error('Salesforce keeps refusing fresh tokens (INVALID_SESSION_ID)'));
              return;
            }
            refreshes.push(at);
            requestToken(c).then(
              (token) => callback(null, token.access_token, token as never),
              (error: unknown) => callback(error as Error),
            );
          },
        });
  let refreshes: number[] = [];

  // jsforce retries failed GETs and DELETEs by itself, with up to 15 s of backoff; the retry
  // budget is ours (see withRetries), so its own is turned off for every request. Every HTTP
  // request, each page of a query included, waits its turn at the gate.
  const send = conn.request.bind(conn);
  const { gate } = options;
  conn.request = ((
    request: Parameters<typeof send>[0],
    sendOptions: Parameters<typeof send>[1] = {},
  ) => {
    const sent = () => send(request, { ...sendOptions, retry: { maxRetries: 0 } });
    return gate.run(async () => {
      try {
        return await sent();
      } catch (error) {
        if (dailyLimitRefusal(error)) gate.daily?.exhausted(undefined);
        throw error;
      } finally {
        // jsforce reads `Sforce-Limit-Info: api-usage=used/limit` off every answer.
        const usage = conn.limitInfo?.apiUsage;
        if (usage) gate.daily?.report(usage);
      }
    });
  }) as typeof conn.request;

  const taskObject = () => conn.sobject('Task');
  // No gate here: it sits on `conn.request`, so each HTTP request (query pages too) waits.
  const call = crmCaller(salesforceError, { telemetry: options.telemetry });

  /** `SELECT fields FROM object WHERE field IN (ids)`, in chunks that keep the URL short. */
  async function queryIn<T>(
    fields: readonly string[],
    object: string,
    field: string,
    ids: readonly string[],
  ): Promise<T[]> {
    const pages = await Promise.all(
      chunks(ids, IN_LIST).map((part) =>
        query<T>(
          `SELECT ${fields.join(', ')} FROM ${object} WHERE ${field} IN (${soqlList(part)})`,
        ),
      ),
    );
    return pages.flat();
  }

  /** All tasks on these leads, cadence tasks and logged calls and emails alike. */
  async function tasksOf(leadIds: readonly string[]): Promise<Map<string, SalesforceTask[]>> {
    const tasks =
      leadIds.length > 0
        ? await queryIn<SalesforceTask>(TASK_FIELDS, 'Task', 'WhoId', leadIds)
        : [];
    const byLead = new Map<string, SalesforceTask[]>();
    for (const task of tasks) {
      const list = byLead.get(task.WhoId ?? '') ?? [];
      list.push(task);
      byLead.set(task.WhoId ?? '', list);
    }
    return byLead;
  }

  async function loadTasks(leadIds: readonly string[]): Promise<Map<string, CadenceTask[]>> {
    const byLead = await tasksOf([...new Set(leadIds.map(to18))]);
    return new Map(
      leadIds.map((id) => [
        id,
        (byLead.get(to18(id)) ?? []).flatMap((t) => cadenceTaskFrom(t) ?? []),
      ]),
    );
  }

  /** One SOQL query, a page (up to 2,000 records) at a time; a failed page is retried alone. */
  async function* pages<T>(soql: string): AsyncIterable<T[]> {
    type Page = { records: T[]; done: boolean; nextRecordsUrl?: string };
    let result: Page = await call('query', async () => (await conn.query(soql)) as unknown as Page);
    for (;;) {
      yield result.records;
      const next = result.nextRecordsUrl;
      if (result.done || !next) return;
      result = await call('query', async () => (await conn.queryMore(next)) as unknown as Page);
    }
  }

  async function query<T>(soql: string): Promise<T[]> {
    const records: T[] = [];
    for await (const page of pages<T>(soql)) records.push(...page);
    return records;
  }

  async function* leadsTouchedSince(since: string): AsyncIterable<string[]> {
    // Rounding down to whole seconds only widens the window.
    const from = soqlDateTime(since, Math.floor);
    yield* leadIds(`LastModifiedDate >= ${from}`);
    // A completed task or a logged call does not change the lead's LastModifiedDate.
    for await (const tasks of pages<{ WhoId: string | null }>(
      `SELECT WhoId FROM Task WHERE LastModifiedDate >= ${from}`,
    )) {
      const ids = leadsOf(tasks);
      if (ids.length > 0) yield ids;
    }
  }

  async function* leadsCreatedBetween(since: string, until: string): AsyncIterable<string[]> {
    // Whole seconds, rounded up at both ends: `[since, until)` keeps its meaning.
    const from = soqlDateTime(since, Math.ceil);
    const to = soqlDateTime(until, Math.ceil);
    yield* leadIds(`CreatedDate >= ${from} AND CreatedDate < ${to}`);
  }

  /** Ids of the Leads matching a SOQL condition, page by page. */
  async function* leadIds(where: string): AsyncIterable<string[]> {
    for await (const leads of pages<{ Id: string }>(`SELECT Id FROM Lead WHERE ${where}`)) {
      yield leads.map((l) => l.Id);
    }
  }

  async function loadLeads(ids: readonly string[]): Promise<Map<string, LeadRecord>> {
    const records = new Map<string, LeadRecord>();
    const wanted = [...new Set(ids.map(to18))];
    if (wanted.length === 0) return records;
    // One query: each lead with its tasks (the Lead.Tasks relationship, WhoId = the lead).
    const withTasks = [...LEAD_FIELDS, `(SELECT ${TASK_FIELDS.join(', ')} FROM Tasks)`];
    const leads = await queryIn<SalesforceLead & { Tasks?: ChildTasks | null }>(
      withTasks,
      'Lead',
      'Id',
      wanted,
    );
    // A lead with more tasks than one answer holds has them read on their own.
    const paged = leads.filter((lead) => lead.Tasks && !lead.Tasks.done).map((lead) => lead.Id);
    const more = paged.length > 0 ? await tasksOf(paged) : new Map<string, SalesforceTask[]>();
    for (const lead of leads) {
      const own = more.get(lead.Id) ?? lead.Tasks?.records ?? [];
      records.set(lead.Id, {
        lead: leadFromSalesforce(lead, rules),
        tasks: own.flatMap((t) => cadenceTaskFrom(t) ?? []),
        activities: own.flatMap((t) => activityFrom(t) ?? []),
      });
    }
    // Callers may hold the 15-character form of an id.
    for (const id of ids) {
      const record = records.get(to18(id));
      if (record && !records.has(id)) records.set(id, record);
    }
    return records;
  }

  // Its twin check is one query whatever it knows: nothing to hand back.
  async function applyChanges(changes: readonly LeadChanges[]): Promise<CadenceTask[]> {
    const creates = changes.flatMap(({ leadId, create }) =>
      create.map((draft) => taskRecord(draft, leadId, teamZone)),
    );
    const removals = changes.flatMap(({ close }) => close.map(({ taskId }) => taskId));
    // All or none: a refused record leaves nothing half-written to be resent as twins.
    await writeTasks(
      'task create',
      creates,
      (part) => taskObject().create(part, { allOrNone: true }),
      {
        harmless: ['ALL_OR_NONE_OPERATION_ROLLED_BACK'],
        idempotent: false,
      },
    );
    // A task a rep deleted in the meantime needs no new owner, and is as good as deleted by us.
    const gone = ['ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY'];
    // Completions, new owners, true titles and due times go in the same collections: one
    // request for all, one record per task.
    const texts = await openTexts(changes);
    const completions = changes.flatMap(({ complete = [] }) =>
      complete.flatMap((c) => {
        const text = texts.get(c.taskId);
        return text === undefined ? [] : [{ Id: c.taskId, ...completedTaskFields(text, c) }];
      }),
    );
    await writeTasks(
      'task update',
      [...completions, ...taskUpdates(changes, texts, teamZone)],
      (part) => taskObject().update(part, { allOrNone: false }),
      { harmless: gone },
    );
    await writeTasks(
      'task delete',
      removals,
      (part) => taskObject().destroy(part, { allOrNone: false }),
      {
        harmless: gone,
      },
    );
    return [];
  }

  /**
   * The `Description` of the open tasks to complete or re-time. It is replaced whole: the text
   * the deciding round read goes back with the completion line or the line saying why it moved
   * added (a task it did not read is queried now); a task a rep closed or deleted is left out.
   */
  async function openTexts(changes: readonly LeadChanges[]): Promise<Map<string, string>> {
    const { texts, unread } = taskTexts(changes);
    if (unread.length > 0) {
      const fields = ['Id', 'Description', 'IsClosed'];
      for (const t of await queryIn<SalesforceTask>(fields, 'Task', 'Id', unread)) {
        if (t.IsClosed !== true) texts.set(t.Id, t.Description ?? '');
      }
    }
    return texts;
  }

  /** Writes in sObject Collections of 200; a record refused for another reason fails the call. */
  async function writeTasks<T>(
    operation: string,
    items: readonly T[],
    write: (part: T[]) => Promise<unknown>,
    { harmless, idempotent = true }: { harmless: readonly string[]; idempotent?: boolean },
  ): Promise<void> {
    for (const part of chunks(items, COLLECTION)) {
      await call(
        operation,
        async () => {
          const problems = failures((await write(part)) as SaveResult[], harmless);
          if (problems.length > 0) {
            // Record locks are contention that passes; anything else is a refusal.
            const transient = problems.every((p) => p.startsWith(`${RECORD_LOCKED}:`));
            throw Object.assign(new Error(problems.join('; ')), {
              errorCode: transient ? RECORD_LOCKED : 'RECORDS_REFUSED',
            });
          }
        },
        idempotent,
      );
    }
  }

  async function leadsOfActivities(refs: readonly ActivityRef[]): Promise<string[]> {
    const ids = [...new Set(refs.filter((r) => r.kind !== 'email').map((r) => to18(r.id)))];
    if (ids.length === 0) return [];
    const tasks = await queryIn<SalesforceTask>(['Id', 'WhoId'], 'Task', 'Id', ids);
    return leadsOf(tasks);
  }

  const isReady = cachedReadiness(() => conn.query('SELECT Id FROM Organization LIMIT 1'));

  return {
    name: 'salesforce',
    async connect() {
      if (auth.kind !== 'client_credentials') return;
      const token = await call('OAuth token request', () => requestToken(conn));
      conn.accessToken = token.access_token;
    },
    loadLeads,
    applyChanges,
    leadsOfActivities,
    loadTasks,
    leadsTouchedSince,
    leadsCreatedBetween,
    // A Lead query, a Task query, one collection write and the twin check's Task query.
    typicalRequests: 4,
    isReady,
    leadStatusPicklist: () =>
      call('describe of Lead', async () =>
        leadStatusPicklist(await conn.sobject('Lead').describe()),
      ),
    async close() {},
  };
}
