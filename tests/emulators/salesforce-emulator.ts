/**
 * A local emulator of the Salesforce REST API slice the connector uses, answering the real
 * `jsforce` in Salesforce's wire format: SOQL `query` (the subset the connector writes, with
 * paging), sObject Collections create/update/delete (`composite/sobjects`, at most 200 records,
 * allOrNone), sObject Describe (`sobjects/{object}/describe`, picklist entries with `active`),
 * the OAuth 2.0 client-credentials token endpoint, and Salesforce's errors
 * (`INVALID_FIELD`, `REQUIRED_FIELD_MISSING`, `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`,
 * `INVALID_FIELD_FOR_INSERT_UPDATE`, `MALFORMED_ID`, `INVALID_SESSION_ID` 401,
 * `REQUEST_LIMIT_EXCEEDED` 403, 5xx). Faults can be queued.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { to18 } from '../../connectors/salesforce/salesforce-id.ts';
import {
  createFaultQueue,
  createTraffic,
  type FaultOptions,
  listenLocally,
  receive,
  sendJson,
  type TrafficOptions,
  type TransportFault,
} from './emulator-kit.ts';
import {
  createFlowRunner,
  type QueuedNotification,
  type RecordTriggeredFlow,
} from './salesforce-flows.ts';

type Kind = 'id' | 'string' | 'boolean' | 'datetime' | 'date' | 'picklist' | 'textarea';
/** A picklist entry as describe answers it: records hold `value`; `active: false` is inactive. */
export interface PicklistEntry {
  readonly value: string;
  readonly label: string;
  readonly active: boolean;
}

interface FieldDef {
  readonly kind: Kind;
  /** The active values: what a restricted picklist accepts. */
  readonly picklist?: readonly string[];
  /** Every entry, inactive ones too, when they are not just the active values. */
  readonly entries?: readonly PicklistEntry[];
  /** Restricted picklists refuse values outside the list. */
  readonly restricted?: boolean;
  readonly createable?: boolean;
  readonly updateable?: boolean;
  readonly required?: boolean;
  readonly length?: number;
}

const SYSTEM: Record<string, FieldDef> = {
  Id: { kind: 'id', createable: false, updateable: false },
  CreatedDate: { kind: 'datetime', createable: false, updateable: false },
  LastModifiedDate: { kind: 'datetime', createable: false, updateable: false },
  OwnerId: { kind: 'id' },
};

export const LEAD_STATUSES = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted',
];

const SCHEMAS: Record<string, Record<string, FieldDef>> = {
  Lead: {
    ...SYSTEM,
    FirstName: { kind: 'string', length: 40 },
    LastName: { kind: 'string', length: 80, required: true },
    Company: { kind: 'string', length: 255, required: true },
    Status: { kind: 'picklist', picklist: LEAD_STATUSES, restricted: true },
    IsConverted: { kind: 'boolean', createable: false, updateable: false },
    Phone: { kind: 'string', length: 40 },
    MobilePhone: { kind: 'string', length: 40 },
    Email: { kind: 'string', length: 80 },
    Country: { kind: 'string', length: 80 },
    State: { kind: 'string', length: 80 },
    HasOptedOutOfEmail: { kind: 'boolean' },
    DoNotCall: { kind: 'boolean' },
  },
  Task: {
    ...SYSTEM,
    Subject: { kind: 'string', length: 255 },
    WhoId: { kind: 'id' },
    WhatId: { kind: 'id' },
    ActivityDate: { kind: 'date' },
    ReminderDateTime: { kind: 'datetime' },
    IsReminderSet: { kind: 'boolean' },
    Priority: { kind: 'picklist', picklist: ['High', 'Normal', 'Low'], restricted: true },
    Status: {
      kind: 'picklist',
      picklist: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
      restricted: true,
    },
    TaskSubtype: {
      kind: 'picklist',
      picklist: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'],
      restricted: true,
      updateable: false,
    },
    Type: { kind: 'picklist', picklist: ['Call', 'Email', 'Meeting', 'Other'] },
    CallDisposition: { kind: 'string', length: 255 },
    CallType: { kind: 'picklist', picklist: ['Internal', 'Inbound', 'Outbound'], restricted: true },
    Description: { kind: 'textarea', length: 32_000 },
    IsClosed: { kind: 'boolean', createable: false, updateable: false },
    CompletedDateTime: { kind: 'datetime', createable: false, updateable: false },
  },
  Organization: { Id: { kind: 'id', createable: false, updateable: false } },
};

const KEY_PREFIX: Record<string, string> = { Lead: '00Q', Task: '00T', Organization: '00D' };
const MAX_COLLECTION = 200;
const QUERY_PAGE = 2000;

export type SalesforceRecord = Record<string, string | boolean | null> & { Id: string };

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The SOQL of a query (`?q=`), which tells a Lead query from a Task query. */
  readonly soql?: string;
}

export type SalesforceFault =
  /** `REQUEST_LIMIT_EXCEEDED`: a passing limit, or with `daily` the day's allocation spent. */
  | { readonly kind: 'request_limit'; readonly daily?: boolean }
  | { readonly kind: 'status'; readonly status: 500 | 502 | 503 }
  | TransportFault
  /** A collection write meets a locked row: that record fails, and all-or-none rolls back all. */
  | { readonly kind: 'locked' };

export interface SalesforceEmulator {
  readonly url: string;
  readonly orgId: string;
  /** The access token requests must carry (changes on `expireSession`). */
  readonly accessToken: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RecordedCall[];
  failNext(fault: SalesforceFault, options?: FaultOptions): void;
  /** From now on a share `rate` of requests meets one of `faults`, picked by a seeded random. */
  failRandomly(rate: number, faults: readonly SalesforceFault[], seed: number): void;
  clearFaults(): void;
  /** The most requests any 10-second window saw. */
  readonly peakPerWindow: number;
  /** The request counters: a test sets `dailyUsed` as the customer's other integrations would. */
  readonly traffic: { dailyUsed: number; readonly dailyLimit: number };
  /** Invalidates the current session, as a timeout or a revoked token does. */
  expireSession(): void;
  /**
   * An admin edits Lead Status's values (Setup → Object Manager → Lead → Fields → Lead Status):
   * adds, relabels, deactivates. Writes then accept the active values only.
   */
  setLeadStatuses(entries: readonly PicklistEntry[]): void;
  /** Field-level security hides a field from the integration user: describe and SOQL lose it. */
  hideField(object: string, field: string): void;
  createLead(fields: Record<string, string | boolean>): string;
  updateLead(id: string, fields: Record<string, string | boolean | null>): void;
  convertLead(id: string): void;
  /** A rep's edit of a task in Salesforce (e.g. `Status: 'Completed'`, `CallDisposition`). */
  updateTask(id: string, fields: Record<string, string | boolean | null>): void;
  /** A call or email the rep logged (closed task without a cadence marker). */
  logActivity(leadId: string, fields: Record<string, string | boolean>): string;
  tasksOf(leadId: string): SalesforceRecord[];
  /** Activates a record-triggered flow: it runs on every later save of its object. */
  activateFlow(flow: RecordTriggeredFlow): void;
  /** The outbound messages the active flows queued since the last call. */
  takeOutbound(): QueuedNotification[];
  close(): Promise<void>;
}

class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: readonly string[];
  constructor(status: number, errorCode: string, message: string, fields: readonly string[] = []) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }
}

interface FieldError {
  readonly statusCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

const isoNow = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

export async function startSalesforceEmulator(
  options: { now?: () => number; apiVersion?: string; traffic?: TrafficOptions } = {},
): Promise<SalesforceEmulator> {
  const now = options.now ?? Date.now;
  const orgId = to18('00D5g000004SxyZ');
  const clientId = `3MVG9${randomBytes(12).toString('hex')}`;
  const clientSecret = randomBytes(16).toString('hex');
  let accessToken = `${orgId}!${randomBytes(24).toString('base64url')}`;
  const store: Record<string, Map<string, SalesforceRecord>> = {
    Lead: new Map(),
    Task: new Map(),
    Organization: new Map([[orgId, { Id: orgId }]]),
  };
  const requests: RecordedCall[] = [];
  const flows = createFlowRunner();
  const faults = createFaultQueue<SalesforceFault>();
  const traffic = createTraffic(options.traffic);
  const cursors = new Map<string, { records: SalesforceRecord[]; fields: string[] }>();
  // Each org may edit its picklists, so each emulator has its own copy of the schema.
  const schemas: Record<string, Record<string, FieldDef>> = Object.fromEntries(
    Object.entries(SCHEMAS).map(([object, fields]) => [object, { ...fields }]),
  );
  let sequence = 0;

  const newId = (object: string) => {
    sequence += 1;
    return to18(`${KEY_PREFIX[object]}5g${String(sequence).padStart(10, '0')}`);
  };

  function fieldErrors(
    object: string,
    input: Record<string, unknown>,
    creating: boolean,
  ): FieldError[] {
    const schema = schemas[object] ?? {};
    const errors: FieldError[] = [];
    for (const [name, value] of Object.entries(input)) {
      if (name === 'attributes') continue;
      const def = schema[name];
      if (!def) {
        throw new ApiError(
          400,
          'INVALID_FIELD',
          `No such column '${name}' on sobject of type ${object}`,
        );
      }
      if ((creating && def.createable === false) || (!creating && def.updateable === false)) {
        errors.push({
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `Unable to create/update fields: ${name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          fields: [name],
        });
        continue;
      }
      if (value === null) continue;
      if (def.kind === 'picklist' && def.restricted && !def.picklist?.includes(String(value))) {
        errors.push({
          statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          message: `${name}: bad value for restricted picklist field: ${String(value)}`,
          fields: [name],
        });
      } else if (def.kind === 'id' && !/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(String(value))) {
        errors.push({
          statusCode: 'MALFORMED_ID',
          message: `${name}: id value of incorrect type: ${String(value)}`,
          fields: [name],
        });
      } else if (def.kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(String(value))) {
        errors.push({
          statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
          message: `${name}: value not of required type: ${String(value)}`,
          fields: [name],
        });
      } else if (def.kind === 'datetime' && Number.isNaN(Date.parse(String(value)))) {
        errors.push({
          statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
          message: `${name}: value not of required type: ${String(value)}`,
          fields: [name],
        });
      } else if (def.kind === 'boolean' && typeof value !== 'boolean') {
        errors.push({
          statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
          message: `${name}: value not of required type: ${String(value)}`,
          fields: [name],
        });
      } else if (def.length !== undefined && String(value).length > def.length) {
        errors.push({
          statusCode: 'STRING_TOO_LONG',
          message: `${name}: data value too large: ${String(value).slice(0, 40)}… (max length=${def.length})`,
          fields: [name],
        });
      }
    }
    if (creating) {
      const missing = Object.entries(schema)
        .filter(
          ([name, def]) =>
            def.required &&
            (input[name] === undefined || input[name] === null || input[name] === ''),
        )
        .map(([name]) => name);
      if (missing.length > 0) {
        errors.push({
          statusCode: 'REQUIRED_FIELD_MISSING',
          message: `Required fields are missing: [${missing.join(', ')}]`,
          fields: missing,
        });
      }
    }
    return errors;
  }

  /** Salesforce matches field names case-insensitively (jsforce sends `id` in updates). */
  function canonical(object: string, input: Record<string, unknown>): Record<string, unknown> {
    const names = new Map(Object.keys(schemas[object] ?? {}).map((n) => [n.toLowerCase(), n]));
    return Object.fromEntries(
      Object.entries(input).map(([key, value]) => [names.get(key.toLowerCase()) ?? key, value]),
    );
  }

  function insert(object: string, input: Record<string, unknown>): SalesforceRecord {
    const at = isoNow(now());
    const id = newId(object);
    const fields = Object.fromEntries(
      Object.entries(input).filter(([k]) => k !== 'attributes'),
    ) as Record<string, string | boolean | null>;
    const record: SalesforceRecord = {
      ...fields,
      Id: id,
      OwnerId: (fields.OwnerId as string | undefined) ?? to18('0055g00000ApiUs'),
      CreatedDate: at,
      LastModifiedDate: at,
    };
    if (object === 'Lead') {
      record.Status ??= 'Open - Not Contacted';
      record.IsConverted = false;
    }
    if (object === 'Task') {
      record.Status ??= 'Not Started';
      record.Priority ??= 'Normal';
      record.TaskSubtype ??= 'Task';
      record.IsClosed = record.Status === 'Completed';
      record.CompletedDateTime = record.IsClosed ? at : null;
    }
    store[object]?.set(id, record);
    flows.saved(object, undefined, record);
    return record;
  }

  function patch(object: string, record: SalesforceRecord, fields: Record<string, unknown>): void {
    const at = isoNow(now());
    const before = { ...record };
    for (const [name, value] of Object.entries(fields)) {
      if (name !== 'attributes' && name !== 'Id') record[name] = value as string | boolean | null;
    }
    if (object === 'Task' && 'Status' in fields) {
      record.IsClosed = record.Status === 'Completed';
      record.CompletedDateTime = record.IsClosed ? at : null;
    }
    record.LastModifiedDate = at;
    flows.saved(object, before, record);
  }

  const find = (object: string, id: string) => store[object]?.get(to18(id));

  /** The SOQL the connector writes: SELECT f, … FROM X [WHERE a IN (…) | a = '…' [AND …]] [LIMIT n]. */
  function runQuery(soql: string): {
    object: string;
    fields: string[];
    records: SalesforceRecord[];
  } {
    // One parent-to-child subquery, `(SELECT f, … FROM Tasks)`, as Salesforce answers it: the
    // child records under the relationship's name, or null when there are none.
    const child = /,\s*\(\s*SELECT\s+([^()]+?)\s+FROM\s+(\w+)\s*\)/is.exec(soql);
    if (child) {
      const parent = runQuery(soql.replace(child[0], ''));
      const relation = CHILD_RELATIONSHIPS[parent.object]?.[child[2] ?? ''];
      if (!relation) {
        throw new ApiError(
          400,
          'INVALID_TYPE',
          `Didn't understand relationship '${child[2]}' in FROM part of query call.`,
        );
      }
      const inner = runQuery(`SELECT ${child[1]} FROM ${relation.object}`);
      const records = parent.records.map((r) => {
        const own = inner.records.filter((c) => c[relation.field] === r.Id);
        const rows = own.map((c) => project(relation.object, inner.fields, c));
        const value =
          rows.length > 0 ? { totalSize: rows.length, done: true, records: rows } : null;
        return { ...r, [child[2] ?? '']: value } as SalesforceRecord;
      });
      return { object: parent.object, fields: [...parent.fields, child[2] ?? ''], records };
    }
    const match =
      /^SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?)?(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(
        soql.trim(),
      );
    if (!match)
      throw new ApiError(400, 'MALFORMED_QUERY', `unexpected token in: ${soql.slice(0, 80)}`);
    const [, fieldList = '', object = '', where, orderBy, direction, limit] = match;
    const schema = schemas[object];
    if (!schema)
      throw new ApiError(400, 'INVALID_TYPE', `sObject type '${object}' is not supported.`);
    const fields = fieldList.split(',').map((f) => f.trim());
    for (const field of fields) {
      if (!schema[field]) {
        throw new ApiError(
          400,
          'INVALID_FIELD',
          `\n${fieldList}\n^\nERROR at Row:1:Column:8\nNo such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
    }
    const conditions = (where ?? '')
      .split(/\s+AND\s+/i)
      .filter(Boolean)
      .map((condition) => {
        const inList = /^(\w+)\s+IN\s*\((.*)\)$/is.exec(condition.trim());
        const compare = /^(\w+)\s*(=|!=|>=|<=|>|<)\s*('(?:[^'\\]|\\.)*'|[\w:.+-]+)$/.exec(
          condition.trim(),
        );
        const field = inList?.[1] ?? compare?.[1];
        if (!field || !schema[field]) {
          throw new ApiError(
            400,
            'INVALID_FIELD',
            `No such column '${field ?? condition}' on entity '${object}'.`,
          );
        }
        if (inList) {
          const values = (inList[2] ?? '').split(',').map((v) => v.trim().replace(/^'|'$/g, ''));
          return (r: SalesforceRecord) =>
            values.some((v) => (schema[field]?.kind === 'id' ? to18(v) : v) === r[field]);
        }
        const [, , op = '=', literal = ''] = compare ?? [];
        const value = literal.startsWith("'") ? literal.slice(1, -1) : literal;
        return (r: SalesforceRecord) => {
          const actual = r[field];
          if (schema[field]?.kind === 'datetime') {
            const a = Date.parse(String(actual).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
            const b = Date.parse(value);
            return (
              { '=': a === b, '!=': a !== b, '>=': a >= b, '<=': a <= b, '>': a > b, '<': a < b }[
                op
              ] ?? false
            );
          }
          const wanted =
            schema[field]?.kind === 'id'
              ? to18(value)
              : value === 'true'
                ? true
                : value === 'false'
                  ? false
                  : value;
          return op === '=' ? actual === wanted : op === '!=' ? actual !== wanted : false;
        };
      });
    let records = [...(store[object]?.values() ?? [])].filter((r) => conditions.every((c) => c(r)));
    if (orderBy) {
      records.sort(
        (a, b) =>
          String(a[orderBy]).localeCompare(String(b[orderBy])) *
          (direction?.toUpperCase() === 'DESC' ? -1 : 1),
      );
    }
    if (limit) records = records.slice(0, Number(limit));
    return { object, fields, records };
  }

  /** Child relationships a subquery may name: Lead.Tasks are the tasks whose WhoId is the lead. */
  const CHILD_RELATIONSHIPS: Record<string, Record<string, { object: string; field: string }>> = {
    Lead: { Tasks: { object: 'Task', field: 'WhoId' } },
  };

  const project = (object: string, fields: string[], record: SalesforceRecord) => ({
    attributes: {
      type: object,
      url: `/services/data/v${options.apiVersion ?? '65.0'}/sobjects/${object}/${record.Id}`,
    },
    ...Object.fromEntries(fields.map((f) => [f, record[f] ?? null])),
  });

  function queryPage(
    object: string,
    fields: string[],
    records: SalesforceRecord[],
    version: string,
  ) {
    const page = records.slice(0, QUERY_PAGE);
    const rest = records.slice(QUERY_PAGE);
    const base = {
      totalSize: records.length,
      records: page.map((r) => project(object, fields, r)),
    };
    if (rest.length === 0) return { ...base, done: true };
    const locator = `01g${randomBytes(6).toString('hex')}-${QUERY_PAGE}`;
    cursors.set(locator, { records: rest, fields: [object, ...fields] });
    return { ...base, done: false, nextRecordsUrl: `/services/data/v${version}/query/${locator}` };
  }

  function parseJson(raw: string): Record<string, unknown> {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'Unexpected character in the request body');
    }
  }

  function collection(
    object: string | undefined,
    records: Record<string, unknown>[],
    creating: boolean,
    allOrNone: boolean,
  ) {
    if (records.length > MAX_COLLECTION) {
      throw new ApiError(
        400,
        'EXCEEDED_ID_LIMIT',
        `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`,
      );
    }
    const checked = records.map((raw) => {
      const type = (raw.attributes as { type?: string } | undefined)?.type ?? object ?? '';
      if (!schemas[type])
        throw new ApiError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
      const input = canonical(type, raw);
      const { Id, ...fields } = input as { Id?: string } & Record<string, unknown>;
      const target = creating ? undefined : find(type, String(Id ?? ''));
      const errors = creating
        ? fieldErrors(type, fields, true)
        : target
          ? fieldErrors(type, fields, false)
          : [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }];
      return { type, fields, target, errors };
    });
    const failed = checked.some((c) => c.errors.length > 0);
    return checked.map((c) => {
      if (c.errors.length > 0) return { success: false, errors: c.errors };
      if (allOrNone && failed) {
        return {
          success: false,
          errors: [
            {
              statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
              message:
                'Record rolled back because not all records were valid and the request was using AllOrNone header',
              fields: [],
            },
          ],
        };
      }
      if (creating) return { id: insert(c.type, c.fields).Id, success: true, errors: [] };
      patch(c.type, c.target as SalesforceRecord, c.fields);
      return { id: c.target?.Id, success: true, errors: [] };
    });
  }

  async function handle(method: string, url: URL, raw: string, req: IncomingMessage) {
    const path = url.pathname;
    if (method === 'POST' && path === '/services/oauth2/token') {
      const form = new URLSearchParams(raw);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== clientId ||
        form.get('client_secret') !== clientSecret
      ) {
        return {
          status: 400,
          body: { error: 'invalid_client', error_description: 'invalid client credentials' },
        };
      }
      return {
        status: 200,
        body: {
          access_token: accessToken,
          instance_url: emulatorUrl,
          id: `${emulatorUrl}/id/${orgId}/0055g00000ApiUsAAA`,
          token_type: 'Bearer',
          issued_at: String(now()),
          signature: randomBytes(32).toString('base64'),
        },
      };
    }
    const api = /^\/services\/data\/v(\d{2}\.0)\/(.+)$/.exec(path);
    if (!api)
      return {
        status: 404,
        body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
      };
    if (req.headers.authorization !== `Bearer ${accessToken}`) {
      throw new ApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    }
    const [, version = '', rest = ''] = api;
    if (rest === 'query' && method === 'GET') {
      const { object, fields, records } = runQuery(url.searchParams.get('q') ?? '');
      return { status: 200, body: queryPage(object, fields, records, version) };
    }
    const more = /^query\/([\w-]+)$/.exec(rest);
    if (more && method === 'GET') {
      const cursor = cursors.get(more[1] ?? '');
      if (!cursor) throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      const [object = '', ...fields] = cursor.fields;
      return { status: 200, body: queryPage(object, fields, cursor.records, version) };
    }
    if (rest === 'composite/sobjects') {
      if (method === 'DELETE') {
        const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
        if (ids.length > MAX_COLLECTION)
          throw new ApiError(400, 'EXCEEDED_ID_LIMIT', 'too many ids');
        return {
          status: 200,
          body: ids.map((id) => {
            const object =
              Object.keys(KEY_PREFIX).find((o) => id.startsWith(KEY_PREFIX[o] ?? '-')) ?? '';
            const found = find(object, id);
            if (!found)
              return {
                id,
                success: false,
                errors: [
                  { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] },
                ],
              };
            store[object]?.delete(found.Id);
            return { id: found.Id, success: true, errors: [] };
          }),
        };
      }
      const body = parseJson(raw);
      const records = Array.isArray(body.records)
        ? (body.records as Record<string, unknown>[])
        : [];
      if (method === 'POST')
        return { status: 200, body: collection(undefined, records, true, body.allOrNone === true) };
      if (method === 'PATCH')
        return {
          status: 200,
          body: collection(undefined, records, false, body.allOrNone === true),
        };
    }
    const described = /^sobjects\/(\w+)\/describe$/.exec(rest);
    if (described && method === 'GET') return describe(described[1] ?? '', version);
    const single = /^sobjects\/(\w+)$/.exec(rest);
    if (single && method === 'POST') {
      const [result] = collection(single[1], [parseJson(raw)], true, true);
      if (!result?.success) {
        const [error] = (result?.errors ?? []) as FieldError[];
        throw new ApiError(
          400,
          error?.statusCode ?? 'UNKNOWN',
          error?.message ?? 'refused',
          error?.fields,
        );
      }
      return { status: 201, body: { id: result.id, success: true, errors: [] } };
    }
    return {
      status: 404,
      body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
    };
  }

  /**
   * sObject Describe (`GET …/sobjects/{object}/describe`), with the fields this user can see:
   * name, label, type, and for picklists every entry with `active`, `defaultValue`, `label`,
   * `validFor` and `value` (Salesforce's `PicklistEntry`).
   */
  function describe(object: string, version: string) {
    const schema = schemas[object];
    if (!schema) {
      throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    const fields = Object.entries(schema).map(([name, def]) => {
      const entries =
        def.entries ?? (def.picklist ?? []).map((value) => ({ value, label: value, active: true }));
      return {
        name,
        label: name.replace(/([a-z])([A-Z])/g, '$1 $2'),
        type: def.kind,
        length: def.length ?? 0,
        custom: false,
        nillable: def.required !== true,
        createable: def.createable !== false,
        updateable: def.updateable !== false,
        restrictedPicklist: def.restricted === true,
        picklistValues: entries.map((e, i) => ({
          active: e.active,
          defaultValue: i === 0 && e.active,
          label: e.label,
          validFor: null,
          value: e.value,
        })),
      };
    });
    return {
      status: 200,
      body: {
        name: object,
        label: object,
        keyPrefix: KEY_PREFIX[object] ?? null,
        queryable: true,
        createable: true,
        updateable: true,
        fields,
        urls: { describe: `/services/data/v${version}/sobjects/${object}/describe` },
      },
    };
  }

  /** All-or-none after one locked row: the first record failed, the rest rolled back. */
  function lockedRows(raw: string) {
    const body = raw ? parseJson(raw) : {};
    const records: unknown[] = Array.isArray(body.records) ? body.records : [{}];
    return records.map((_, i) => ({
      success: false,
      errors: [
        i === 0
          ? {
              statusCode: 'UNABLE_TO_LOCK_ROW',
              message: 'unable to obtain exclusive access to this record',
              fields: [],
            }
          : {
              statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
              message:
                'Record rolled back because not all records were valid and the request was using AllOrNone header',
              fields: [],
            },
      ],
    }));
  }

  let emulatorUrl = '';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const soql = url.searchParams.get('q');
    const record = (status: number) =>
      requests.push({ method, path: url.pathname, status, ...(soql ? { soql } : {}) });
    const drop = () => {
      record(0);
      req.socket.destroy();
    };
    try {
      const arrival = await receive(req, url.pathname, faults, traffic, drop);
      if (!arrival) return;
      const { raw, fault, withinLimit } = arrival;
      // The org's rolling 24-hour allocation is spent; a passing limit reads differently.
      if (traffic.dailySpent || (fault?.kind === 'request_limit' && fault.daily)) {
        throw new ApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      }
      if (fault?.kind === 'request_limit' || !withinLimit) {
        throw new ApiError(
          403,
          'REQUEST_LIMIT_EXCEEDED',
          'ConcurrentPerOrgLongTxn Limit exceeded.',
        );
      }
      if (fault?.kind === 'status') {
        throw new ApiError(
          fault.status,
          fault.status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION',
          `An unexpected error occurred. Please include this ErrorId if you contact support: ${randomUUID()}`,
        );
      }
      if (fault?.kind === 'locked' && url.pathname.endsWith('/composite/sobjects')) {
        record(200);
        sendJson(res, 200, lockedRows(raw));
        return;
      }
      const result = await handle(method, url, raw, req);
      if (fault?.kind === 'lost_response') return drop();
      record(result.status);
      sendJson(res, result.status, result.body, usageHeader());
    } catch (error) {
      const api =
        error instanceof ApiError ? error : new ApiError(500, 'UNKNOWN_EXCEPTION', String(error));
      record(api.status);
      sendJson(
        res,
        api.status,
        [
          {
            message: api.message,
            errorCode: api.errorCode,
            ...(api.fields.length > 0 ? { fields: api.fields } : {}),
          },
        ],
        usageHeader(),
      );
    }
  });

  /** Every REST answer carries the org's daily usage, refused calls counted. */
  function usageHeader(): Record<string, string> {
    return { 'sforce-limit-info': `api-usage=${traffic.dailyUsed}/${traffic.dailyLimit}` };
  }
  const listening = await listenLocally(server);
  emulatorUrl = listening.url;

  const lead = (id: string) => {
    const found = find('Lead', id);
    if (!found) throw new Error(`no lead ${id}`);
    return found;
  };
  const refuseInvalid = (object: string, fields: Record<string, unknown>, creating: boolean) => {
    const errors = fieldErrors(object, fields, creating);
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  };

  return {
    url: emulatorUrl,
    orgId,
    get accessToken() {
      return accessToken;
    },
    clientId,
    clientSecret,
    requests,
    failNext: faults.push,
    failRandomly: faults.randomly,
    clearFaults() {
      faults.clear();
    },
    get peakPerWindow() {
      return traffic.peak;
    },
    traffic,
    expireSession() {
      accessToken = `${orgId}!${randomBytes(24).toString('base64url')}`;
    },
    setLeadStatuses(entries) {
      const lead = schemas.Lead ?? {};
      const status = lead.Status as FieldDef;
      const picklist = entries.filter((e) => e.active).map((e) => e.value);
      lead.Status = { ...status, picklist, entries };
    },
    hideField(object, field) {
      delete schemas[object]?.[field];
    },
    createLead(fields) {
      refuseInvalid('Lead', fields, true);
      return insert('Lead', fields).Id;
    },
    updateLead(id, fields) {
      refuseInvalid('Lead', fields, false);
      patch('Lead', lead(id), fields);
    },
    convertLead(id) {
      patch('Lead', lead(id), { IsConverted: true, Status: 'Closed - Converted' });
    },
    updateTask(id, fields) {
      const task = find('Task', id);
      if (!task) throw new Error(`no task ${id}`);
      refuseInvalid('Task', fields, false);
      patch('Task', task, fields);
    },
    logActivity(leadId, fields) {
      const input = { WhoId: leadId, Status: 'Completed', ...fields };
      refuseInvalid('Task', input, true);
      return insert('Task', input).Id;
    },
    tasksOf(leadId) {
      return [...(store.Task?.values() ?? [])].filter((t) => t.WhoId === to18(leadId));
    },
    activateFlow: flows.activate,
    takeOutbound: flows.takeOutbound,
    close: listening.close,
  };
}
