import { readFileSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { cadenceSchema } from '../cadence/cadence.schema.ts';
import { researchCadence } from '../cadence/research-cadence.ts';
import type { Cadence, MinuteRange } from '../engine/types.ts';
import { type HolidaySpec, parseHolidays } from './holidays.ts';
import { type Parsed, parseRange, parseWeeklyHours } from './hours.ts';

const CRM_NAMES = ['sandbox', 'hubspot', 'salesforce'] as const;
export type CrmName = (typeof CRM_NAMES)[number];

export interface HubSpotConfig {
  readonly accessToken: string;
  readonly clientSecret: string;
  /** @default 'https://api.hubapi.com' */
  readonly apiBaseUrl: string;
  /** Owner of tasks for contacts nobody owns; unset leaves such tasks unassigned. */
  readonly defaultOwnerId?: string;
  /** `hs_lead_status` values that keep a cadence running (an empty status always does). */
  readonly openLeadStatuses: readonly string[];
  /** `hs_lead_status` values that say contact was made, for the attempts report. */
  readonly contactedLeadStatuses: readonly string[];
}

export type SalesforceAuth =
  | { readonly kind: 'token'; readonly instanceUrl: string; readonly accessToken: string }
  | {
      readonly kind: 'client_credentials';
      readonly loginUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
    };

export interface SalesforceConfig {
  readonly auth: SalesforceAuth;
  /** @default '65.0' */
  readonly apiVersion: string;
  /** 15- or 18-character org id; outbound messages of other orgs are refused. */
  readonly orgId: string;
  /** Bearer token of Flow / Apex callouts; unset refuses JSON callouts. */
  readonly webhookToken?: string;
  /** Task owner when the lead's owner is a queue. */
  readonly defaultOwnerId?: string;
  /** Lead `Status` values that keep a cadence running. */
  readonly openLeadStatuses: readonly string[];
  /** Lead `Status` values that say contact was made, for the attempts report. */
  readonly contactedLeadStatuses: readonly string[];
}

const DEFAULT_SALESFORCE_OPEN_LEAD_STATUSES = ['Open - Not Contacted', 'Working - Contacted'];
const DEFAULT_SALESFORCE_API_VERSION = '65.0';

const DEFAULT_HUBSPOT_OPEN_LEAD_STATUSES = ['NEW', 'OPEN', 'ATTEMPTED_TO_CONTACT'];

/** Statuses that mean a conversation happened; a converted lead always counts as reached. */
const DEFAULT_HUBSPOT_CONTACTED_LEAD_STATUSES = ['CONNECTED', 'IN_PROGRESS', 'OPEN_DEAL'];
const DEFAULT_SALESFORCE_CONTACTED_LEAD_STATUSES = ['Working - Contacted'];

/**
 * Requests per 10 s. HubSpot allows 100 per 10 s to public apps and to private apps on Free and
 * Starter, 190 to private apps on Professional and Enterprise: 100 is safe on every tier.
 * Salesforce counts a daily allocation, not a window: 100 per 10 s leaves room for the org's
 * other integrations. The sandbox makes no API calls.
 */
const DEFAULT_CRM_RATE_LIMIT: Record<CrmName, number> = {
  sandbox: 0,
  hubspot: 100,
  salesforce: 100,
};
/** Requests in flight at once; Salesforce allows 25 long-running ones per org. */
const DEFAULT_CRM_MAX_CONCURRENCY: Record<CrmName, number> = {
  sandbox: 0,
  hubspot: 10,
  salesforce: 10,
};
/** HubSpot stops waiting for a webhook answer after 5 s; 1 s of margin covers the network. */
const DEFAULT_WEBHOOK_DEADLINE_MS = 4000;
/**
 * Past this p99 event-loop delay the process is CPU-bound: new deliveries are shed (429) rather
 * than answered after the sender's timeout. A healthy process stays under 50 ms.
 */
const DEFAULT_MAX_EVENT_LOOP_DELAY_MS = 500;
/** A report reads the CRM for at most this long, then answers 422 `window_too_large`. */
const DEFAULT_REPORT_TIMEOUT_MS = 30_000;

export interface Config {
  /** @default 3000 */
  readonly port: number;
  /** @default '0.0.0.0' */
  readonly host: string;
  /** @default 'info' */
  readonly logLevel: string;
  /** @default 'sandbox' */
  readonly crm: CrmName;
  /** @default the research cadence */
  readonly cadence: Cadence;
  /** @default 'UTC' */
  readonly timezone: string;
  /** Ranges per ISO weekday (index 1 = Monday). @default Mon-Fri 09:00-17:00 */
  readonly businessHours: readonly (readonly MinuteRange[])[];
  /** @default 08:00-20:00 */
  readonly leadContactHours: MinuteRange;
  /** @default none */
  readonly holidays: HolidaySpec;
  /** @default false */
  readonly dryRun: boolean;
  /** Time a webhook may take before it answers 503 + Retry-After. @default 4000 */
  readonly webhookDeadlineMs: number;
  /** Event-loop p99 delay above which new webhook deliveries are shed; 0 is off. */
  readonly maxEventLoopDelayMs: number;
  /** How long `GET /reports/attempts` may read the CRM. */
  readonly reportTimeoutMs: number;
  /** CRM requests per 10 s; 0 is no limit. @default per CRM, see DEFAULT_CRM_RATE_LIMIT */
  readonly crmRateLimit: number;
  /** CRM requests in flight at once; 0 is no limit. @default per CRM */
  readonly crmMaxConcurrency: number;
  /** Bearer token of the admin endpoints (`POST /reconcile`); unset disables them. */
  readonly adminToken?: string;
  /** Bearer token `GET /metrics` asks for; unset leaves it open (keep it off the internet). */
  readonly metricsToken?: string;
  /** The service's base URL as the CRM calls it, without a trailing slash. */
  readonly publicUrl?: string;
  /** Set when `CRM=hubspot`. */
  readonly hubspot?: HubSpotConfig;
  /** Set when `CRM=salesforce`. */
  readonly salesforce?: SalesforceConfig;
}

type ReadFile = (path: string) => string;

/** Turns a hand-written parser into a zod transform that reports its error on the variable. */
function parsedBy<T>(parse: (text: string) => Parsed<T>) {
  return z.string().transform((text, ctx): T => {
    const result = parse(text);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.error });
    return z.NEVER;
  });
}

function jsonCadence(text: string): Parsed<Cadence> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const result = cadenceSchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const details = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: `not a valid cadence: ${details.join('; ')}` };
}

const secret = z
  .string()
  .regex(/^\S+$/, 'must not contain spaces')
  .max(512, 'must be at most 512 characters');

/** An absolute http(s) URL without query or fragment, returned without its trailing slash. */
const baseUrl = z.string().transform((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://host' });
    return z.NEVER;
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username) {
    ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL without query or fragment' });
    return z.NEVER;
  }
  return url.href.replace(/\/+$/, '');
});

/** A whole number within bounds, from its decimal text. */
const count = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const list = z
  .string()
  .transform((text) => [...new Set(text.split(',').map((item) => item.trim()))].filter(Boolean));

const hubspotStatuses = list.pipe(
  z.array(
    z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be hs_lead_status values, comma-separated'),
  ),
);

/** Variables each connector cannot start without. */
const REQUIRED_BY_CRM: Record<CrmName, readonly string[]> = {
  sandbox: [],
  hubspot: ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_CLIENT_SECRET', 'PUBLIC_URL'],
  salesforce: ['SALESFORCE_ORG_ID'],
};

const salesforceId = (prefix: string, what: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}[A-Za-z0-9]{${15 - prefix.length}}([A-Za-z0-9]{3})?$`),
      `must be a 15- or 18-character ${what} id starting with ${prefix}`,
    );

function envSchema(readFile: ReadFile) {
  const cadenceFile = (path: string): Parsed<Cadence> => {
    let text: string;
    try {
      text = readFile(path);
    } catch (error) {
      return {
        ok: false,
        error: `cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      };
    }
    return jsonCadence(text);
  };
  return z.object({
    PORT: z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number')
      .transform(Number)
      .refine((n) => n <= 65535, 'must be at most 65535')
      .default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    CRM: z.enum(CRM_NAMES).default('sandbox'),
    CADENCE: parsedBy(jsonCadence).optional(),
    CADENCE_FILE: parsedBy(cadenceFile).optional(),
    TIMEZONE: z
      .string()
      .refine(
        (zone) => IANAZone.isValidZone(zone),
        'must be an IANA time zone such as Europe/Berlin',
      )
      .default('UTC'),
    BUSINESS_HOURS: parsedBy(parseWeeklyHours).default(
      parseWeeklyHoursOrThrow('Mon-Fri 09:00-17:00'),
    ),
    LEAD_CONTACT_HOURS: parsedBy(parseRange).default({ start: 8 * 60, end: 20 * 60 }),
    HOLIDAYS: parsedBy(parseHolidays).default({ regions: [], dates: [] }),
    DRY_RUN: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false')
      .transform((v) => ['true', '1', 'yes'].includes(v))
      .default(false),
    WEBHOOK_DEADLINE_MS: count(500, 60_000).default(DEFAULT_WEBHOOK_DEADLINE_MS),
    REPORT_TIMEOUT_MS: count(1000, 600_000).default(DEFAULT_REPORT_TIMEOUT_MS),
    MAX_EVENT_LOOP_DELAY_MS: count(0, 60_000).default(DEFAULT_MAX_EVENT_LOOP_DELAY_MS),
    CRM_RATE_LIMIT: count(0, 100_000).optional(),
    CRM_MAX_CONCURRENCY: count(0, 1000).optional(),
    ADMIN_TOKEN: secret.min(24, 'must be at least 24 characters (use a random value)').optional(),
    METRICS_TOKEN: secret.min(16, 'must be at least 16 characters (use a random value)').optional(),
    PUBLIC_URL: baseUrl.optional(),
    HUBSPOT_ACCESS_TOKEN: secret.optional(),
    HUBSPOT_CLIENT_SECRET: secret.optional(),
    HUBSPOT_API_BASE_URL: baseUrl.default('https://api.hubapi.com'),
    HUBSPOT_DEFAULT_OWNER_ID: z
      .string()
      .regex(/^\d{1,20}$/, 'must be a HubSpot owner id (digits)')
      .optional(),
    HUBSPOT_OPEN_LEAD_STATUSES: hubspotStatuses.default(DEFAULT_HUBSPOT_OPEN_LEAD_STATUSES),
    HUBSPOT_CONTACTED_LEAD_STATUSES: hubspotStatuses.default(
      DEFAULT_HUBSPOT_CONTACTED_LEAD_STATUSES,
    ),
    SALESFORCE_INSTANCE_URL: baseUrl.optional(),
    SALESFORCE_ACCESS_TOKEN: secret.optional(),
    SALESFORCE_LOGIN_URL: baseUrl.optional(),
    SALESFORCE_CLIENT_ID: secret.optional(),
    SALESFORCE_CLIENT_SECRET: secret.optional(),
    SALESFORCE_API_VERSION: z
      .string()
      .regex(/^\d{2}\.0$/, 'must be a REST API version such as 65.0')
      .default(DEFAULT_SALESFORCE_API_VERSION),
    SALESFORCE_ORG_ID: salesforceId('00D', 'organization').optional(),
    SALESFORCE_WEBHOOK_TOKEN: secret
      .min(24, 'must be at least 24 characters (use a random value)')
      .optional(),
    SALESFORCE_DEFAULT_OWNER_ID: salesforceId('005', 'user').optional(),
    SALESFORCE_OPEN_LEAD_STATUSES: list
      .pipe(z.array(z.string().max(255)).min(1, 'name at least one status'))
      .default(DEFAULT_SALESFORCE_OPEN_LEAD_STATUSES),
    SALESFORCE_CONTACTED_LEAD_STATUSES: list
      .pipe(z.array(z.string().max(255)))
      .default(DEFAULT_SALESFORCE_CONTACTED_LEAD_STATUSES),
  });
}

function parseWeeklyHoursOrThrow(text: string): MinuteRange[][] {
  const parsed = parseWeeklyHours(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

/**
 * Validates the environment once. Every bad variable is named in one message, so an operator
 * fixes them all in one go. Empty strings count as unset.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  readFile: ReadFile = (path) => readFileSync(path, 'utf8'),
): ConfigResult {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = envSchema(readFile).safeParse(present);
  const problems = result.success
    ? []
    : result.error.issues.map((i) => `  - ${String(i.path[0] ?? '(environment)')}: ${i.message}`);
  if (present.CADENCE !== undefined && present.CADENCE_FILE !== undefined) {
    problems.push('  - CADENCE, CADENCE_FILE: set one of them, not both');
  }
  const crm = result.success ? result.data.CRM : undefined;
  for (const name of crm ? REQUIRED_BY_CRM[crm] : []) {
    if (present[name] === undefined) problems.push(`  - ${name}: required when CRM=${crm}`);
  }
  if (crm === 'salesforce') problems.push(...salesforceAuthProblems(present));
  if (!result.success || problems.length > 0) {
    return { ok: false, message: `Invalid configuration:\n${problems.join('\n')}` };
  }
  const e = result.data;
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
      logLevel: e.LOG_LEVEL,
      crm: e.CRM,
      cadence: e.CADENCE ?? e.CADENCE_FILE ?? researchCadence,
      timezone: e.TIMEZONE,
      businessHours: e.BUSINESS_HOURS,
      leadContactHours: e.LEAD_CONTACT_HOURS,
      holidays: e.HOLIDAYS,
      dryRun: e.DRY_RUN,
      webhookDeadlineMs: e.WEBHOOK_DEADLINE_MS,
      reportTimeoutMs: e.REPORT_TIMEOUT_MS,
      maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
      crmRateLimit: e.CRM_RATE_LIMIT ?? DEFAULT_CRM_RATE_LIMIT[e.CRM],
      crmMaxConcurrency: e.CRM_MAX_CONCURRENCY ?? DEFAULT_CRM_MAX_CONCURRENCY[e.CRM],
      ...(e.ADMIN_TOKEN === undefined ? {} : { adminToken: e.ADMIN_TOKEN }),
      ...(e.METRICS_TOKEN === undefined ? {} : { metricsToken: e.METRICS_TOKEN }),
      ...(e.PUBLIC_URL === undefined ? {} : { publicUrl: e.PUBLIC_URL }),
      ...(e.CRM === 'hubspot' ? { hubspot: hubspotConfig(e) } : {}),
      ...(e.CRM === 'salesforce' ? { salesforce: salesforceConfig(e) } : {}),
    },
  };
}

type Env = z.output<ReturnType<typeof envSchema>>;

function hubspotConfig(e: Env): HubSpotConfig {
  return {
    accessToken: e.HUBSPOT_ACCESS_TOKEN ?? '',
    clientSecret: e.HUBSPOT_CLIENT_SECRET ?? '',
    apiBaseUrl: e.HUBSPOT_API_BASE_URL,
    openLeadStatuses: e.HUBSPOT_OPEN_LEAD_STATUSES,
    contactedLeadStatuses: e.HUBSPOT_CONTACTED_LEAD_STATUSES,
    ...(e.HUBSPOT_DEFAULT_OWNER_ID === undefined
      ? {}
      : { defaultOwnerId: e.HUBSPOT_DEFAULT_OWNER_ID }),
  };
}

const TOKEN_AUTH = ['SALESFORCE_INSTANCE_URL', 'SALESFORCE_ACCESS_TOKEN'];
const CLIENT_AUTH = ['SALESFORCE_LOGIN_URL', 'SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET'];

/** Salesforce takes either a ready session or a connected app's client credentials, whole. */
function salesforceAuthProblems(present: Record<string, string | undefined>): string[] {
  const has = (names: string[]) => names.filter((n) => present[n] !== undefined);
  const token = has(TOKEN_AUTH);
  const client = has(CLIENT_AUTH);
  if (token.length === TOKEN_AUTH.length || client.length === CLIENT_AUTH.length) return [];
  const missing =
    client.length > 0
      ? CLIENT_AUTH.filter((n) => !client.includes(n))
      : TOKEN_AUTH.filter((n) => !token.includes(n));
  return [
    `  - ${missing.join(', ')}: required when CRM=salesforce (set SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN, or SALESFORCE_LOGIN_URL + SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET)`,
  ];
}

function salesforceConfig(e: Env): SalesforceConfig {
  const auth: SalesforceAuth =
    e.SALESFORCE_LOGIN_URL && e.SALESFORCE_CLIENT_ID && e.SALESFORCE_CLIENT_SECRET
      ? {
          kind: 'client_credentials',
          loginUrl: e.SALESFORCE_LOGIN_URL,
          clientId: e.SALESFORCE_CLIENT_ID,
          clientSecret: e.SALESFORCE_CLIENT_SECRET,
        }
      : {
          kind: 'token',
          instanceUrl: e.SALESFORCE_INSTANCE_URL ?? '',
          accessToken: e.SALESFORCE_ACCESS_TOKEN ?? '',
        };
  return {
    auth,
    apiVersion: e.SALESFORCE_API_VERSION,
    orgId: e.SALESFORCE_ORG_ID ?? '',
    openLeadStatuses: e.SALESFORCE_OPEN_LEAD_STATUSES,
    contactedLeadStatuses: e.SALESFORCE_CONTACTED_LEAD_STATUSES,
    ...(e.SALESFORCE_WEBHOOK_TOKEN === undefined
      ? {}
      : { webhookToken: e.SALESFORCE_WEBHOOK_TOKEN }),
    ...(e.SALESFORCE_DEFAULT_OWNER_ID === undefined
      ? {}
      : { defaultOwnerId: e.SALESFORCE_DEFAULT_OWNER_ID }),
  };
}
