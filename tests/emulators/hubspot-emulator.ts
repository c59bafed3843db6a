/**
 * A local emulator of the slice of the HubSpot CRM API the connector uses, speaking HubSpot's
 * wire format to the real `@hubspot/api-client`: the date-based object endpoints
 * (`/crm/objects/{version}/…`: single read, list, batches, search) and association batch reads
 * (`/crm/associations/{version}/…`) and the property read (`/crm/properties/{version}/…`, see
 * hubspot-properties.ts) of the versions in `DATED_VERSIONS`, HubSpot's validation
 * errors (unknown properties, bad enum values, a task without `hs_timestamp`, unknown owners,
 * wrong association types, oversized batches, and from 2026-09 the account's own required
 * fields), its 401 and its 429 rate-limit body and headers. The legacy `/crm/v3` and `/crm/v4`
 * paths are refused, as HubSpot will refuse them after their end of support, unless the
 * emulator is started with `legacyApi: true`. Faults can be queued to test retries and
 * acknowledgements.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
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
  APP_SCOPES,
  CONTACT_PROPERTY_READ_SCOPES,
  type EnumOption,
  LEAD_STATUS_OPTIONS,
  missingScopes,
  propertyDefinition,
} from './hubspot-properties.ts';

type Kind = 'string' | 'enumeration' | 'datetime' | 'number' | 'bool';
interface PropertyDef {
  readonly kind: Kind;
  readonly options?: readonly string[];
  /** Labels and hidden flags of `options`, where they differ from the values themselves. */
  readonly details?: readonly EnumOption[];
  /** Set by HubSpot, never by a client. */
  readonly readOnly?: boolean;
}

const COMMON: Record<string, PropertyDef> = {
  hs_object_id: { kind: 'number', readOnly: true },
  hs_createdate: { kind: 'datetime', readOnly: true },
  hs_lastmodifieddate: { kind: 'datetime', readOnly: true },
  hubspot_owner_id: { kind: 'enumeration' },
};

export const LEAD_STATUSES = LEAD_STATUS_OPTIONS.map((o) => o.value);

/** hs_call_disposition GUIDs of HubSpot's default call outcomes. */
export const CALL_DISPOSITIONS = {
  busy: '9d9162e7-6cf3-4944-bf63-4dff82258764',
  connected: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
  leftLiveMessage: 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff',
  leftVoicemail: 'b2cf5968-551e-4856-9783-52b3da59a7d0',
  noAnswer: '73a0d17f-1163-4015-bdd5-ec830791da20',
  wrongNumber: '17b47fee-58de-441e-a44c-c6300d46f273',
} as const;

const SCHEMAS: Record<string, Record<string, PropertyDef>> = {
  contacts: {
    ...COMMON,
    createdate: { kind: 'datetime', readOnly: true },
    lastmodifieddate: { kind: 'datetime', readOnly: true },
    firstname: { kind: 'string' },
    lastname: { kind: 'string' },
    email: { kind: 'string' },
    company: { kind: 'string' },
    phone: { kind: 'string' },
    mobilephone: { kind: 'string' },
    country: { kind: 'string' },
    state: { kind: 'string' },
    hs_timezone: { kind: 'string' },
    hs_lead_status: { kind: 'enumeration', options: LEAD_STATUSES, details: LEAD_STATUS_OPTIONS },
    lifecyclestage: {
      kind: 'enumeration',
      options: [
        'subscriber',
        'lead',
        'marketingqualifiedlead',
        'salesqualifiedlead',
        'opportunity',
        'customer',
        'evangelist',
        'other',
      ],
    },
    hs_email_optout: { kind: 'bool' },
  },
  tasks: {
    ...COMMON,
    hs_timestamp: { kind: 'datetime' },
    hs_task_subject: { kind: 'string' },
    hs_task_body: { kind: 'string' },
    hs_task_status: {
      kind: 'enumeration',
      options: ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'],
    },
    hs_task_priority: { kind: 'enumeration', options: ['NONE', 'LOW', 'MEDIUM', 'HIGH'] },
    hs_task_type: {
      kind: 'enumeration',
      options: ['CALL', 'EMAIL', 'LINKED_IN', 'MEETING', 'TODO'],
    },
    hs_task_reminders: { kind: 'string' },
    hs_task_completion_date: { kind: 'datetime', readOnly: true },
  },
  calls: {
    ...COMMON,
    hs_timestamp: { kind: 'datetime' },
    hs_call_title: { kind: 'string' },
    hs_call_body: { kind: 'string' },
    hs_call_disposition: { kind: 'string' },
    hs_call_direction: { kind: 'enumeration', options: ['INBOUND', 'OUTBOUND'] },
    hs_call_status: {
      kind: 'enumeration',
      options: [
        'BUSY',
        'CALLING_CRM_USER',
        'CANCELED',
        'COMPLETED',
        'CONNECTING',
        'FAILED',
        'IN_PROGRESS',
        'NO_ANSWER',
        'QUEUED',
        'RINGING',
      ],
    },
  },
  emails: {
    ...COMMON,
    hs_timestamp: { kind: 'datetime' },
    hs_email_direction: {
      kind: 'enumeration',
      options: ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL'],
    },
    hs_email_subject: { kind: 'string' },
    hs_email_text: { kind: 'string' },
    hs_email_status: {
      kind: 'enumeration',
      options: ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT'],
    },
  },
};

const TYPE_IDS: Record<string, string> = {
  '0-1': 'contacts',
  '0-27': 'tasks',
  '0-48': 'calls',
  '0-49': 'emails',
  contact: 'contacts',
  task: 'tasks',
  call: 'calls',
  email: 'emails',
};

/** HUBSPOT_DEFINED association type ids, both directions. */
const ASSOCIATION_TYPES: Record<string, number> = {
  'tasks>contacts': 204,
  'contacts>tasks': 203,
  'calls>contacts': 194,
  'contacts>calls': 193,
  'emails>contacts': 198,
  'contacts>emails': 197,
};

/**
 * The date-based versions served, each as its published OpenAPI documents describe it
 * (github.com/HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/…/2026-03 and
 * …/2026-09, checked 2026-12-02): the same request and answer shapes as v3/v4, except that the
 * 2026-09 batch endpoints document no 207 (a partial failure is a 200 or 201 whose body lists
 * `errors`), and that 2026-09 enforces the account's validation rules on writes
 * (https://developers.hubspot.com/changelog/crm-api-write-validation-enforcement).
 */
const DATED_VERSIONS = ['2026-03', '2026-09'] as const;
type Version = (typeof DATED_VERSIONS)[number] | 'v3' | 'v4';
const LEGACY = new Set<Version>(['v3', 'v4']);
/** Versions whose batch endpoints answer a partial failure with 207 Multi-Status. */
const MULTI_STATUS = new Set<Version>(['v3', 'v4', '2026-03']);
/** Versions that enforce an admin's required fields on API writes. */
const ENFORCES_ACCOUNT_RULES = new Set<Version>(['2026-09']);

/**
 * The version a path names and the same path in v3/v4 form, on which the routes match:
 * `/crm/objects/2026-09/tasks/search` is `/crm/v3/objects/tasks/search` of version 2026-09.
 */
function routeOf(path: string): { version: Version; route: string } | undefined {
  const dated = /^\/crm\/(objects|associations|properties)\/(\d{4}-\d{2})(\/.*)?$/.exec(path);
  if (dated) {
    const [, api, version, rest = ''] = dated;
    if (!DATED_VERSIONS.includes(version as never)) return undefined;
    const legacy = api === 'associations' ? '/crm/v4/associations' : `/crm/v3/${api}`;
    return { version: version as Version, route: `${legacy}${rest}` };
  }
  const legacy = /^\/crm\/(v3|v4)\//.exec(path);
  return legacy ? { version: legacy[1] as Version, route: path } : undefined;
}

const MAX_BATCH = 100;
/** Private apps on Professional and Enterprise: 190 requests per rolling 10 s. */
const WINDOW_MAX = 190;
const MAX_ASSOCIATION_BATCH = 1000;

interface SearchFilter {
  readonly propertyName: string;
  readonly operator: string;
  readonly value?: string | number;
  readonly values?: readonly (string | number)[];
}

interface SearchRequest {
  readonly filterGroups?: readonly { readonly filters?: readonly SearchFilter[] }[];
  readonly sorts?: readonly (string | { propertyName: string; direction?: string })[];
  readonly properties?: readonly string[];
  readonly limit?: number;
  readonly after?: string;
}

const MAX_SEARCH_PAGE = 200;
const MAX_SEARCH_RESULTS = 10_000;

/** Search compares datetimes as instants (epoch ms or ISO), numbers as numbers, the rest as text. */
function comparable(value: string | number | null | undefined): number | string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return Date.parse(text);
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function matchesFilter(
  schema: Record<string, PropertyDef>,
  object: StoredObject,
  filter: SearchFilter,
): boolean {
  if (!(filter.propertyName in schema)) {
    throw validationError(
      `There was a problem with the request: property ${filter.propertyName} does not exist`,
      [],
    );
  }
  const actual = comparable(object.properties[filter.propertyName]);
  const wanted = comparable(filter.value);
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return actual !== undefined;
    case 'NOT_HAS_PROPERTY':
      return actual === undefined;
    case 'EQ':
      return actual === wanted;
    case 'NEQ':
      return actual !== wanted;
    case 'IN':
      return (filter.values ?? []).map(comparable).includes(actual);
    case 'GT':
    case 'GTE':
    case 'LT':
    case 'LTE': {
      if (actual === undefined || wanted === undefined) return false;
      const order = actual < wanted ? -1 : actual > wanted ? 1 : 0;
      return { GT: order > 0, GTE: order >= 0, LT: order < 0, LTE: order <= 0 }[filter.operator];
    }
    default:
      throw validationError(`Unsupported operator ${filter.operator}`, []);
  }
}

function compareBy(
  a: StoredObject,
  b: StoredObject,
  sorts: NonNullable<SearchRequest['sorts']>,
): number {
  for (const sort of sorts) {
    const name = typeof sort === 'string' ? sort.replace(/^-/, '') : sort.propertyName;
    const descending =
      typeof sort === 'string' ? sort.startsWith('-') : sort.direction === 'DESCENDING';
    const x = comparable(a.properties[name]) ?? '';
    const y = comparable(b.properties[name]) ?? '';
    if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
  }
  return Number(a.id) - Number(b.id);
}

export interface StoredObject {
  readonly id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Requests in flight when this one arrived, itself included: side-by-side calls show here. */
  readonly inFlight: number;
}

export type Fault =
  | {
      readonly kind: 'rate_limit';
      readonly policy?: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';
      /** Seconds sent as `Retry-After`; HubSpot usually sends none. */
      readonly retryAfter?: number;
    }
  | { readonly kind: 'status'; readonly status: 500 | 502 | 503 | 504 }
  | TransportFault;

export interface HubSpotEmulator {
  readonly url: string;
  readonly token: string;
  /** Every API request, in order, with the status answered. */
  readonly requests: RecordedCall[];
  /** Owners whose ids are valid `hubspot_owner_id` values. */
  readonly owners: Set<string>;
  /**
   * The token's scopes (the app's, unless the test changes them). Only the property read checks
   * them: it answers 403 `MISSING_SCOPES` without any of `CONTACT_PROPERTY_READ_SCOPES`.
   */
  readonly scopes: Set<string>;
  /** Makes the next matching requests fail; `path` is a substring of the request path. */
  failNext(fault: Fault, options?: FaultOptions): void;
  /** From now on a share `rate` of requests meets one of `faults`, picked by a seeded random. */
  failRandomly(rate: number, faults: readonly Fault[], seed: number): void;
  clearFaults(): void;
  /** The most requests any 10-second window saw. */
  readonly peakPerWindow: number;
  /** The request counters: a test sets `dailyUsed` as the customer's other integrations would. */
  readonly traffic: { dailyUsed: number; readonly dailyLimit: number };
  createContact(properties: Record<string, string>, createdAt?: string): string;
  updateContact(id: string, properties: Record<string, string>): void;
  logCall(contactId: string, properties: Record<string, string>): string;
  /** An email logged on the contact (`hs_email_direction` says sent or received). */
  logEmail(contactId: string, properties: Record<string, string>): string;
  /** Live and archived tasks associated with a contact. */
  tasksOf(contactId: string, options?: { archived?: boolean }): StoredObject[];
  /**
   * A property an admin creates (Settings → Properties → Create property), such as a
   * single-checkbox "Do not call": HubSpot then accepts and returns it like its own.
   */
  createContactProperty(name: string, kind: 'bool' | 'string'): void;
  /**
   * An admin edits an enumeration property's options (Settings → Properties → the property →
   * Field type): relabels, adds, hides. Writes then accept the new values.
   */
  setContactPropertyOptions(name: string, options: readonly EnumOption[]): void;
  /** A rep's edit of a task in the HubSpot UI (e.g. marking it COMPLETED). */
  updateTask(id: string, properties: Record<string, string>): void;
  /** Contacts a task, call or email is associated with. */
  contactsOf(type: 'tasks' | 'calls' | 'emails', id: string): string[];
  /**
   * An admin makes a field required on the object's Create Record form (Settings → Objects →
   * Create Record), creating the property if the account lacks it. Versions from 2026-09 then
   * refuse an API create without it; earlier versions ignore the rule, as HubSpot's did.
   */
  requireOnCreate(type: 'tasks' | 'calls' | 'emails' | 'contacts', property: string): void;
  close(): Promise<void>;
}

class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body.message));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

function validationError(message: string, errors: Record<string, unknown>[]): ApiError {
  return new ApiError(400, {
    status: 'error',
    message,
    correlationId: randomUUID(),
    category: 'VALIDATION_ERROR',
    ...(errors.length > 0 ? { errors } : {}),
  });
}

/** An enumeration's options with their labels (the value itself where none is set). */
const optionsOf = (def: PropertyDef): readonly EnumOption[] =>
  def.details ?? (def.options ?? []).map((value) => ({ value, label: value }));

function normaliseDatetime(value: string): string | undefined {
  if (/^\d{1,15}$/.test(value)) return new Date(Number(value)).toISOString();
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  return undefined;
}

export interface HubSpotEmulatorOptions {
  readonly token?: string;
  readonly now?: () => number;
  readonly traffic?: TrafficOptions;
  /**
   * Serve the legacy `/crm/v3` and `/crm/v4` paths too, for tests that compare with the SDK's
   * generated APIs (which call them). Off, they answer 404, as after HubSpot's cut-off.
   * @default false
   */
  readonly legacyApi?: boolean;
  /** The token's scopes. @default the app's (`APP_SCOPES`) */
  readonly scopes?: readonly string[];
}

export async function startHubSpotEmulator(
  options: HubSpotEmulatorOptions = {},
): Promise<HubSpotEmulator> {
  const token = options.token ?? `pat-emulator-${randomUUID()}`;
  const now = options.now ?? Date.now;
  const store: Record<string, Map<string, StoredObject>> = {
    contacts: new Map(),
    tasks: new Map(),
    calls: new Map(),
    emails: new Map(),
  };
  const links = new Map<string, Set<string>>();
  // Each account may add its own properties, so each emulator has its own copy of the schema.
  const schemas: Record<string, Record<string, PropertyDef>> = Object.fromEntries(
    Object.entries(SCHEMAS).map(([type, properties]) => [type, { ...properties }]),
  );
  const requests: RecordedCall[] = [];
  const owners = new Set<string>();
  const scopes = new Set<string>(options.scopes ?? APP_SCOPES);
  const requiredOnCreate: Record<string, Set<string>> = {};
  const faults = createFaultQueue<Fault>();
  const traffic = createTraffic(options.traffic);
  let sequence = 1000;

  const iso = () => new Date(now()).toISOString();
  const bucket = (type: string) => {
    const found = store[type];
    if (!found)
      throw new ApiError(400, {
        status: 'error',
        message: `Unknown object type ${type}`,
        category: 'VALIDATION_ERROR',
      });
    return found;
  };
  const linkKey = (type: string, id: string, to: string) => `${type}:${id}>${to}`;
  function associate(fromType: string, fromId: string, toType: string, toId: string): void {
    for (const [a, aid, b, bid] of [
      [fromType, fromId, toType, toId],
      [toType, toId, fromType, fromId],
    ] as const) {
      const key = linkKey(a, aid, b);
      const set = links.get(key) ?? new Set<string>();
      set.add(bid);
      links.set(key, set);
    }
  }
  const associated = (type: string, id: string, to: string) => [
    ...(links.get(linkKey(type, id, to)) ?? []),
  ];

  /** Validates and normalises client-written properties the way HubSpot does. */
  function checkProperties(
    type: string,
    input: unknown,
    creating: boolean,
  ): Record<string, string | null> {
    const schema = schemas[type] ?? {};
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw validationError('Invalid input JSON: properties must be an object', []);
    }
    const problems: Record<string, unknown>[] = [];
    const out: Record<string, string | null> = {};
    for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
      const def = schema[name];
      if (!def) {
        problems.push({
          isValid: false,
          message: `Property "${name}" does not exist`,
          error: 'PROPERTY_DOESNT_EXIST',
          name,
        });
        continue;
      }
      if (def.readOnly) {
        problems.push({
          isValid: false,
          message: `"${name}" is a read only property; its value cannot be set.`,
          error: 'READ_ONLY_VALUE',
          name,
        });
        continue;
      }
      if (raw === null || raw === '') {
        out[name] = null;
        continue;
      }
      const value = String(raw);
      if (def.kind === 'enumeration' && name === 'hubspot_owner_id') {
        if (owners.size > 0 && !owners.has(value)) {
          problems.push({
            isValid: false,
            message: `${value} is not a valid owner id`,
            error: 'INVALID_OWNER_ID',
            name,
          });
        }
      } else if (def.kind === 'enumeration' && def.options && !def.options.includes(value)) {
        problems.push({
          isValid: false,
          message: `${value} was not one of the allowed options: ${optionsOf(def)
            .map((o) => `[label: "${o.label}"\nvalue: "${o.value}"]`)
            .join(', ')}`,
          error: 'INVALID_OPTION',
          name,
        });
        continue;
      }
      if (def.kind === 'datetime') {
        const normalised = normaliseDatetime(value);
        if (!normalised) {
          problems.push({
            isValid: false,
            message: `${value} is not a valid datetime`,
            error: 'INVALID_DATE',
            name,
          });
          continue;
        }
        out[name] = normalised;
        continue;
      }
      if (def.kind === 'bool' && value !== 'true' && value !== 'false') {
        problems.push({
          isValid: false,
          message: `${value} is not a valid boolean`,
          error: 'INVALID_BOOLEAN',
          name,
        });
        continue;
      }
      if (name === 'hs_task_reminders' && !value.split(';').every((v) => /^\d{1,15}$/.test(v))) {
        problems.push({
          isValid: false,
          message: `${value} is not a valid list of reminder timestamps`,
          error: 'INVALID_LONG',
          name,
        });
        continue;
      }
      out[name] = value;
    }
    if (creating && type !== 'contacts' && !('hs_timestamp' in out) && problems.length === 0) {
      problems.push({
        isValid: false,
        message: 'hs_timestamp is required',
        error: 'REQUIRED_PROPERTY',
        name: 'hs_timestamp',
      });
    }
    if (problems.length > 0) {
      throw validationError(`Property values were not valid: ${JSON.stringify(problems)}`, []);
    }
    return out;
  }

  function insert(
    type: string,
    properties: Record<string, string | null>,
    createdAt = iso(),
  ): StoredObject {
    const id = String(++sequence);
    const object: StoredObject = {
      id,
      properties: {
        ...properties,
        hs_object_id: id,
        hs_createdate: createdAt,
        hs_lastmodifieddate: createdAt,
        ...(type === 'contacts' ? { createdate: createdAt, lastmodifieddate: createdAt } : {}),
      },
      createdAt,
      updatedAt: createdAt,
      archived: false,
    };
    if (type === 'tasks') {
      object.properties.hs_task_status ??= 'NOT_STARTED';
      object.properties.hs_task_priority ??= 'NONE';
      object.properties.hs_task_type ??= 'TODO';
    }
    bucket(type).set(id, object);
    return object;
  }

  function patch(
    type: string,
    object: StoredObject,
    properties: Record<string, string | null>,
  ): void {
    const at = iso();
    if (type === 'tasks' && properties.hs_task_status !== undefined) {
      object.properties.hs_task_completion_date =
        properties.hs_task_status === 'COMPLETED' ? at : null;
    }
    Object.assign(object.properties, properties, { hs_lastmodifieddate: at });
    if (type === 'contacts') object.properties.lastmodifieddate = at;
    object.updatedAt = at;
  }

  function view(type: string, object: StoredObject, wanted: readonly string[] | undefined) {
    const schema = schemas[type] ?? {};
    const names = (
      wanted && wanted.length > 0
        ? wanted
        : ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate']
    ).filter((n) => n in schema);
    const properties: Record<string, string | null> = {};
    for (const name of new Set([
      ...names,
      'hs_object_id',
      'hs_createdate',
      'hs_lastmodifieddate',
    ])) {
      properties[name] = object.properties[name] ?? null;
    }
    return {
      id: object.id,
      properties,
      createdAt: object.createdAt,
      updatedAt: object.updatedAt,
      archived: object.archived,
    };
  }

  function batchInputs(body: unknown, max: number): Record<string, unknown>[] {
    const inputs = (body as { inputs?: unknown } | null)?.inputs;
    if (!Array.isArray(inputs))
      throw validationError('Invalid input JSON on line 1: inputs is required', []);
    if (inputs.length > max) {
      throw validationError(`Batch input size ${inputs.length} exceeds the limit of ${max}`, []);
    }
    return inputs as Record<string, unknown>[];
  }

  function batchResult(
    results: unknown[],
    errors: Record<string, unknown>[],
    okStatus: number,
    version: Version,
  ) {
    const times = { startedAt: iso(), completedAt: iso() };
    if (errors.length === 0)
      return { status: okStatus, body: { status: 'COMPLETE', results, ...times } };
    return {
      status: MULTI_STATUS.has(version) ? 207 : okStatus,
      body: { status: 'COMPLETE', results, numErrors: errors.length, errors, ...times },
    };
  }

  /**
   * The 400 of a create that lacks fields the account requires, in the form HubSpot's
   * changelog gives (`MISSING_REQUIRED_PROPERTY`, the property named in `context`). Whether a
   * batch create then refuses the whole batch, as here, HubSpot does not say.
   */
  function checkRequiredOnCreate(
    type: string,
    inputs: Record<string, unknown>[],
    version: Version,
  ) {
    const required = requiredOnCreate[type];
    if (!required || !ENFORCES_ACCOUNT_RULES.has(version)) return;
    const missing = new Set<string>();
    for (const input of inputs) {
      const properties = (input.properties ?? {}) as Record<string, unknown>;
      for (const name of required) {
        if (properties[name] === undefined || properties[name] === null || properties[name] === '')
          missing.add(name);
      }
    }
    if (missing.size === 0) return;
    throw new ApiError(400, {
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: 'The property values provided are invalid',
      correlationId: randomUUID(),
      errors: [...missing].map((name) => ({
        code: 'MISSING_REQUIRED_PROPERTY',
        message: `A value for ${name} must be provided`,
        context: { propertyName: [name] },
      })),
    });
  }

  function notFound(type: string, ids: string[]) {
    return {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `Could not get some ${type.toUpperCase().replace(/S$/, '')} objects, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids },
    };
  }

  type Handler = (
    params: string[],
    body: unknown,
    query: URLSearchParams,
    version: Version,
  ) => { status: number; body?: unknown };
  const routes: [string, RegExp, Handler][] = [
    [
      'GET',
      /^\/crm\/v3\/properties\/([\w-]+)\/([\w-]+)$/,
      ([rawType = '', name = '']) => {
        const type = TYPE_IDS[rawType] ?? rawType;
        if (type === 'contacts' && !CONTACT_PROPERTY_READ_SCOPES.some((s) => scopes.has(s))) {
          throw new ApiError(403, missingScopes(CONTACT_PROPERTY_READ_SCOPES, randomUUID()));
        }
        const def = bucket(type) && schemas[type]?.[name];
        if (!def) {
          throw new ApiError(404, {
            status: 'error',
            message: `Unable to find property ${name} on object type ${rawType}`,
            correlationId: randomUUID(),
            category: 'OBJECT_NOT_FOUND',
          });
        }
        return { status: 200, body: propertyDefinition(name, def, optionsOf(def), iso()) };
      },
    ],
    [
      'GET',
      /^\/crm\/v3\/objects\/([\w-]+)$/,
      ([type], _b, query) => {
        const all = [...bucket(TYPE_IDS[type ?? ''] ?? type ?? '').values()].filter(
          (o) => !o.archived,
        );
        const limit = Math.min(Number(query.get('limit') ?? 10), 100);
        return {
          status: 200,
          body: { results: all.slice(0, limit).map((o) => view(type ?? '', o, undefined)) },
        };
      },
    ],
    [
      // One record with the ids it is associated with: `?properties=a,b&associations=tasks,calls`.
      // Like HubSpot, a type with no associated record is left out of `associations`.
      'GET',
      /^\/crm\/v3\/objects\/([\w-]+)\/(\d+)$/,
      ([rawType, id], _b, query) => {
        const type = TYPE_IDS[rawType ?? ''] ?? rawType ?? '';
        const found = bucket(type).get(id ?? '');
        if (!found || found.archived) {
          throw new ApiError(404, {
            status: 'error',
            message: 'resource not found',
            correlationId: randomUUID(),
            category: 'OBJECT_NOT_FOUND',
          });
        }
        // Lists come repeated (`properties=a&properties=b`, as the SDK sends them) or joined.
        const list = (name: string) =>
          query
            .getAll(name)
            .flatMap((v) => v.split(','))
            .filter(Boolean);
        const wanted = list('properties');
        const links: Record<string, { results: { id: string; type: string }[] }> = {};
        for (const raw of list('associations')) {
          const to = TYPE_IDS[raw] ?? raw;
          const ids = associated(type, found.id, to).filter((t) => !bucket(to).get(t)?.archived);
          const singular = (name: string) => name.replace(/s$/, '');
          const results = ids.map((t) => ({ id: t, type: `${singular(type)}_to_${singular(to)}` }));
          if (results.length > 0) links[to] = { results };
        }
        const body = view(type, found, wanted);
        return {
          status: 200,
          body: Object.keys(links).length > 0 ? { ...body, associations: links } : body,
        };
      },
    ],
    [
      'POST',
      /^\/crm\/v3\/objects\/([\w-]+)\/batch\/read$/,
      ([rawType], body, _query, version) => {
        const type = TYPE_IDS[rawType ?? ''] ?? rawType ?? '';
        const inputs = batchInputs(body, MAX_BATCH);
        const wanted = (body as { properties?: string[] }).properties;
        const results = [];
        const missing: string[] = [];
        for (const input of inputs) {
          const object = bucket(type).get(String(input.id));
          if (object && !object.archived) results.push(view(type, object, wanted));
          else missing.push(String(input.id));
        }
        const errors = missing.length > 0 ? [notFound(type, missing)] : [];
        return batchResult(results, errors, 200, version);
      },
    ],
    [
      'POST',
      /^\/crm\/v3\/objects\/([\w-]+)\/batch\/create$/,
      ([rawType], body, _query, version) => {
        const type = TYPE_IDS[rawType ?? ''] ?? rawType ?? '';
        const inputs = batchInputs(body, MAX_BATCH);
        checkRequiredOnCreate(type, inputs, version);
        const checked = inputs.map((input) => {
          const properties = checkProperties(type, input.properties, true);
          const associations = (input.associations ?? []) as {
            to?: { id?: unknown };
            types?: { associationCategory?: string; associationTypeId?: number }[];
          }[];
          for (const a of associations) {
            const toId = String(a.to?.id ?? '');
            const target = bucket('contacts').get(toId);
            const expected = ASSOCIATION_TYPES[`${type}>contacts`];
            const typesOk =
              (a.types ?? []).length > 0 &&
              (a.types ?? []).every(
                (t) =>
                  t.associationCategory === 'HUBSPOT_DEFINED' && t.associationTypeId === expected,
              );
            if (!typesOk)
              throw validationError(
                `invalid association type for ${type} to contacts: expected HUBSPOT_DEFINED ${expected}`,
                [],
              );
            if (!target || target.archived)
              throw validationError(`${toId} is not a valid contact id`, []);
          }
          return { properties, associations: associations.map((a) => String(a.to?.id)) };
        });
        const results = checked.map(({ properties, associations }) => {
          const object = insert(type, properties);
          for (const contactId of associations) associate(type, object.id, 'contacts', contactId);
          return view(type, object, Object.keys(object.properties));
        });
        return batchResult(results, [], 201, version);
      },
    ],
    [
      'POST',
      /^\/crm\/v3\/objects\/([\w-]+)\/batch\/update$/,
      ([rawType], body, _query, version) => {
        const type = TYPE_IDS[rawType ?? ''] ?? rawType ?? '';
        const inputs = batchInputs(body, MAX_BATCH);
        const checked = inputs.map((input) => ({
          id: String(input.id),
          properties: checkProperties(type, input.properties, false),
        }));
        const results = [];
        const missing: string[] = [];
        for (const { id, properties } of checked) {
          const object = bucket(type).get(id);
          if (!object || object.archived) {
            missing.push(id);
            continue;
          }
          patch(type, object, properties);
          results.push(view(type, object, Object.keys(object.properties)));
        }
        const errors = missing.length > 0 ? [notFound(type, missing)] : [];
        return batchResult(results, errors, 200, version);
      },
    ],
    [
      'POST',
      /^\/crm\/v3\/objects\/([\w-]+)\/batch\/archive$/,
      ([rawType], body) => {
        const type = TYPE_IDS[rawType ?? ''] ?? rawType ?? '';
        for (const input of batchInputs(body, MAX_BATCH)) {
          const object = bucket(type).get(String(input.id));
          if (object) {
            object.archived = true;
            object.updatedAt = iso();
          }
        }
        return { status: 204 };
      },
    ],
    [
      'POST',
      /^\/crm\/v3\/objects\/([\w-]+)\/search$/,
      ([rawType], body) => {
        const type = TYPE_IDS[rawType ?? ''] ?? rawType ?? '';
        const request = (body ?? {}) as SearchRequest;
        const limit = request.limit ?? 10;
        if (!Number.isInteger(limit) || limit < 0 || limit > MAX_SEARCH_PAGE) {
          throw validationError(`limit must be between 0 and ${MAX_SEARCH_PAGE}`, []);
        }
        const groups = request.filterGroups ?? [];
        if (groups.length > 5 || groups.some((g) => (g.filters ?? []).length > 6)) {
          throw validationError('at most 5 filterGroups of 6 filters each', []);
        }
        const offset = Number(request.after ?? 0);
        if (offset + limit > MAX_SEARCH_RESULTS) {
          throw validationError(`paging past ${MAX_SEARCH_RESULTS} results is not allowed`, []);
        }
        const found = [...bucket(type).values()]
          .filter((o) => !o.archived)
          .filter(
            (o) =>
              groups.length === 0 ||
              groups.some((g) =>
                (g.filters ?? []).every((f) => matchesFilter(schemas[type] ?? {}, o, f)),
              ),
          )
          .sort((a, b) => compareBy(a, b, request.sorts ?? []));
        const page = found.slice(offset, offset + limit);
        const next =
          offset + limit < found.length
            ? { paging: { next: { after: String(offset + limit) } } }
            : {};
        return {
          status: 200,
          body: {
            total: found.length,
            results: page.map((o) => view(type, o, request.properties)),
            ...next,
          },
        };
      },
    ],
    [
      'POST',
      /^\/crm\/v4\/associations\/([\w-]+)\/([\w-]+)\/batch\/read$/,
      ([rawFrom, rawTo], body, _query, version) => {
        const from = TYPE_IDS[rawFrom ?? ''] ?? rawFrom ?? '';
        const to = TYPE_IDS[rawTo ?? ''] ?? rawTo ?? '';
        const typeId = ASSOCIATION_TYPES[`${from}>${to}`];
        if (typeId === undefined) throw validationError(`Unknown association ${from} to ${to}`, []);
        const results = [];
        const errors = [];
        for (const input of batchInputs(body, MAX_ASSOCIATION_BATCH)) {
          const id = String(input.id);
          const targets = associated(from, id, to).filter((t) => !bucket(to).get(t)?.archived);
          if (targets.length === 0) {
            errors.push({
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
              message: `No ${to} is associated with ${from} ${id}.`,
              context: { fromObjectId: [id] },
            });
            continue;
          }
          results.push({
            from: { id },
            to: targets.map((t) => ({
              toObjectId: Number(t),
              associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId, label: null }],
            })),
          });
        }
        return batchResult(results, errors, 200, version);
      },
    ],
  ];

  function rateLimited(
    policy: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY',
    retryAfter?: number,
  ): ApiError {
    const message = {
      TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
      SECONDLY: 'You have reached your secondly limit.',
      DAILY: 'You have reached your daily limit.',
    }[policy];
    return new ApiError(
      429,
      {
        status: 'error',
        message,
        errorType: 'RATE_LIMIT',
        correlationId: randomUUID(),
        policyName: policy,
      },
      {
        ...limitHeaders(),
        ...(policy === 'DAILY' ? { 'x-hubspot-ratelimit-daily-remaining': '0' } : {}),
        ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
      },
    );
  }

  /**
   * The rate-limit headers HubSpot sends a private app on every answer but search's: the
   * rolling window (190 per 10 s unless the test sets another limit) and the day.
   */
  function limitHeaders(): Record<string, string> {
    const max = options.traffic?.limit ?? WINDOW_MAX;
    return {
      'x-hubspot-ratelimit-interval-milliseconds': String(traffic.windowMs),
      'x-hubspot-ratelimit-max': String(max),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, max - traffic.inWindow)),
      'x-hubspot-ratelimit-daily': String(traffic.dailyLimit),
      'x-hubspot-ratelimit-daily-remaining': String(
        Math.max(0, traffic.dailyLimit - traffic.dailyUsed),
      ),
    };
  }

  let inFlight = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const arrivedWith = ++inFlight;
    res.on('close', () => inFlight--);
    const record = (status: number) =>
      requests.push({ method, path: url.pathname, status, inFlight: arrivedWith });
    const drop = () => {
      record(0);
      req.socket.destroy();
    };
    try {
      const arrival = await receive(req, url.pathname, faults, traffic, drop);
      if (!arrival) return;
      const { raw, fault, withinLimit } = arrival;
      if (req.headers.authorization !== `Bearer ${token}`) {
        throw new ApiError(401, {
          status: 'error',
          message:
            'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          correlationId: randomUUID(),
          category: 'INVALID_AUTHENTICATION',
        });
      }
      if (traffic.dailySpent) throw rateLimited('DAILY');
      if (!withinLimit) throw rateLimited('TEN_SECONDLY_ROLLING');
      if (fault?.kind === 'rate_limit') {
        throw rateLimited(fault.policy ?? 'TEN_SECONDLY_ROLLING', fault.retryAfter);
      }
      if (fault?.kind === 'status') {
        throw new ApiError(fault.status, {
          status: 'error',
          message: 'internal error',
          correlationId: randomUUID(),
          category: 'INTERNAL_ERROR',
        });
      }
      const routed = routeOf(url.pathname);
      if (routed && LEGACY.has(routed.version) && !options.legacyApi) {
        throw new ApiError(404, {
          status: 'error',
          message: `${method} ${url.pathname}: the ${routed.version} API is no longer supported; call a date-based version (${DATED_VERSIONS.join(', ')})`,
          correlationId: randomUUID(),
          category: 'OBJECT_NOT_FOUND',
        });
      }
      for (const [routeMethod, pattern, handler] of routes) {
        const match = routed && routeMethod === method ? pattern.exec(routed.route) : null;
        if (!match) continue;
        let body: unknown;
        if (method === 'POST') {
          if (!/application\/json/.test(req.headers['content-type'] ?? '')) {
            throw new ApiError(415, {
              status: 'error',
              message: 'Unsupported Media Type',
              category: 'VALIDATION_ERROR',
            });
          }
          try {
            body = JSON.parse(raw);
          } catch {
            throw validationError('Invalid input JSON on line 1', []);
          }
        }
        const result = handler(match.slice(1), body, url.searchParams, routed?.version ?? 'v3');
        if (fault?.kind === 'lost_response') return drop();
        record(result.status);
        const searched = url.pathname.endsWith('/search');
        sendJson(res, result.status, result.body, searched ? {} : limitHeaders());
        return;
      }
      throw new ApiError(404, {
        status: 'error',
        message: `no route for ${method} ${url.pathname}`,
        category: 'OBJECT_NOT_FOUND',
      });
    } catch (error) {
      const api =
        error instanceof ApiError
          ? error
          : new ApiError(500, {
              status: 'error',
              message: String(error),
              category: 'INTERNAL_ERROR',
            });
      record(api.status);
      sendJson(res, api.status, api.body, api.headers);
    }
  });
  const listening = await listenLocally(server);

  const contact = (id: string) => {
    const found = store.contacts?.get(id);
    if (!found) throw new Error(`no contact ${id}`);
    return found;
  };

  return {
    url: listening.url,
    token,
    requests,
    owners,
    scopes,
    failNext: faults.push,
    failRandomly: faults.randomly,
    clearFaults: faults.clear,
    get peakPerWindow() {
      return traffic.peak;
    },
    traffic,
    createContact(properties, createdAt) {
      return insert('contacts', checkProperties('contacts', properties, true), createdAt ?? iso())
        .id;
    },
    setContactPropertyOptions(name, options) {
      const contacts = schemas.contacts ?? {};
      const def = contacts[name];
      if (def?.kind !== 'enumeration') throw new Error(`${name} is no enumeration property`);
      contacts[name] = { ...def, options: options.map((o) => o.value), details: options };
    },
    createContactProperty(name, kind) {
      const contacts = schemas.contacts ?? {};
      if (name in contacts) throw new Error(`contact property ${name} already exists`);
      contacts[name] = { kind };
    },
    updateContact(id, properties) {
      patch('contacts', contact(id), checkProperties('contacts', properties, false));
    },
    logCall(contactId, properties) {
      const call = insert('calls', checkProperties('calls', properties, true));
      associate('calls', call.id, 'contacts', contactId);
      return call.id;
    },
    logEmail(contactId, properties) {
      const email = insert('emails', checkProperties('emails', properties, true));
      associate('emails', email.id, 'contacts', contactId);
      return email.id;
    },
    tasksOf(contactId, { archived = false } = {}) {
      return associated('contacts', contactId, 'tasks')
        .map((id) => store.tasks?.get(id))
        .filter((t): t is StoredObject => t !== undefined && (archived || !t.archived));
    },
    updateTask(id, properties) {
      const task = store.tasks?.get(id);
      if (!task) throw new Error(`no task ${id}`);
      patch('tasks', task, checkProperties('tasks', properties, false));
    },
    contactsOf(type, id) {
      return associated(type, id, 'contacts');
    },
    requireOnCreate(type, property) {
      const schema = schemas[type] ?? {};
      schema[property] ??= { kind: 'string' };
      requiredOnCreate[type] ??= new Set();
      requiredOnCreate[type].add(property);
    },
    close: listening.close,
  };
}
