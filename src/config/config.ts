import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  CRM_CONFIGS,
  CRM_NAMES,
  type CrmName,
  type CrmSettings,
} from '../../connectors/registry.ts';
import { cadenceSchema } from '../cadence/cadence.schema.ts';
import { researchCadence } from '../cadence/research-cadence.ts';
import { DEFAULT_LOGGED_ATTEMPT_LEAD_MINUTES } from '../engine/attempts.ts';
import type { Cadence, CallingRule, MinuteRange, WeeklyHours } from '../engine/types.ts';
import { loadCallingRules } from '../rules/calling-rules.ts';
import { closedWindows } from '../rules/closed-windows.ts';
import { type HolidaySpec, parseHolidays } from './holidays.ts';
import { type Parsed, parseContactHours, parseWeeklyHours } from './hours.ts';
import { parseJsonWith } from './json-file.ts';
import {
  baseUrl,
  count,
  type Env,
  flag,
  listenHost,
  parsedBy,
  problemsOf,
  secret,
  teamZone,
} from './variables.ts';

export type { CrmName };

/**
 * The service stops calling once the CRM reports half of the day's allocation used (every
 * integration's calls counted): the other half stays for the customer's other integrations.
 */
const DEFAULT_CRM_DAILY_BUDGET = 0.5;
/** HubSpot stops waiting for a webhook answer after 5 s; 1 s of margin covers the network. */
const DEFAULT_WEBHOOK_DEADLINE_MS = 4000;
/**
 * Past this p99 event-loop delay the process is CPU-bound: new deliveries are shed (429) rather
 * than answered after the sender's timeout. A healthy process stays under 50 ms.
 */
const DEFAULT_MAX_EVENT_LOOP_DELAY_MS = 500;
/** A report reads the CRM for at most this long, then answers 422 `window_too_large`. */
const DEFAULT_REPORT_TIMEOUT_MS = 30_000;
/**
 * A sender's headers come in one packet or two; 10 s is generous, and a client that sends them a
 * byte at a time is cut off. Node's own default is 60 s.
 */
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/**
 * A delivery is at most 1 MiB and HubSpot gives up on an answer after 5 s: a request still
 * arriving after 15 s is a slow client holding a socket, not a webhook.
 */
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/**
 * Longer than the idle timeout of the load balancer in front, so that the balancer, not the
 * service, closes idle connections (else it may send a request on a closing socket and answer
 * 502): AWS ELB's idle timeout is 60 s by default and AWS asks for a longer keep-alive
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html),
 * as does nginx's 60 s. Fastify's default, 72 s. Google Cloud's balancers keep idle backend
 * connections 600 s: set 620000 there.
 */
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 72_000;
/**
 * The research cadence is B2B-shaped: a lead is a person at work, so weekdays only. 08:00 is
 * the federal start (47 CFR 64.1200(c)(1)) and 20:00 the end of most US state rules; narrower
 * state rows (09:00 starts, Rhode Island's 18:00 end) cut it down per lead in the engine.
 */
const DEFAULT_LEAD_CONTACT_HOURS = 'Mon-Fri 08:00-20:00';

/** The service's settings; the chosen CRM's own settings sit under its name (`config.hubspot`). */
export interface Config extends CrmSettings {
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
  /** The lead's legal contact window, lead-local. @default Mon-Fri 08:00-20:00 */
  readonly leadContactHours: MinuteRange | WeeklyHours;
  /** @default none */
  readonly holidays: HolidaySpec;
  /** Public holidays of the lead's country are no-contact days. @default true */
  readonly leadHolidays: boolean;
  /** Calling rules by jurisdiction (`US`, `US-FL`); empty with `CALLING_RULES=none`. */
  readonly callingRules: ReadonlyMap<string, CallingRule>;
  /** @default false */
  readonly dryRun: boolean;
  /** Time a webhook may take before it answers 503 + Retry-After. @default 4000 */
  readonly webhookDeadlineMs: number;
  /** Event-loop p99 delay above which new webhook deliveries are shed; 0 is off. */
  readonly maxEventLoopDelayMs: number;
  /** How long `GET /reports/attempts` may read the CRM. */
  readonly reportTimeoutMs: number;
  /** How early before a step is due a logged attempt still completes it. @default 15 */
  readonly loggedAttemptLeadMinutes: number;
  /** Time a client has to send a request's headers. @default 10000 */
  readonly headersTimeoutMs: number;
  /** Time a client has to send a whole request, headers and body. @default 15000 */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. @default 72000 */
  readonly keepAliveTimeoutMs: number;
  /**
   * CRM requests per 10 s the service may make, all replicas together; 0 is no limit.
   * @default per CRM, see its connectors/<crm>/*.config.ts
   */
  readonly crmRateLimit: number;
  /** Replicas that may run at once: the static split of `crmRateLimit`. @default 1 */
  readonly crmReplicas: number;
  /** Share of the CRM's daily allocation past which the service stops calling. @default 0.5 */
  readonly crmDailyBudget: number;
  /** CRM requests in flight at once; 0 is no limit. @default per CRM */
  readonly crmMaxConcurrency: number;
  /** Bearer token of the admin endpoints (`POST /reconcile`); unset disables them. */
  readonly adminToken?: string;
  /** Bearer token `GET /metrics` asks for; unset leaves it open (keep it off the internet). */
  readonly metricsToken?: string;
  /** The service's base URL as the CRM calls it, without a trailing slash. */
  readonly publicUrl?: string;
}

type ReadFile = (path: string) => string;

const crmSchema = z.enum(CRM_NAMES).default('sandbox');

function jsonCadence(text: string): Parsed<Cadence> {
  return parseJsonWith(cadenceSchema, text, 'cadence');
}

/** A share in (0, 1], from its decimal text. */
const share = z
  .string()
  .regex(/^(0?\.\d{1,4}|1(\.0{1,4})?)$/, 'must be a share between 0 and 1, e.g. 0.5')
  .transform(Number)
  .refine((n) => n > 0 && n <= 1, 'must be more than 0 and at most 1');

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
    HOST: listenHost.default('0.0.0.0'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    CRM: crmSchema,
    CADENCE: parsedBy(jsonCadence).optional(),
    CADENCE_FILE: parsedBy(cadenceFile).optional(),
    TIMEZONE: teamZone.default('UTC'),
    BUSINESS_HOURS: parsedBy(parseWeeklyHours).default(
      parseWeeklyHoursOrThrow('Mon-Fri 09:00-17:00'),
    ),
    LEAD_CONTACT_HOURS: parsedBy(parseContactHours).default(
      parseWeeklyHoursOrThrow(DEFAULT_LEAD_CONTACT_HOURS),
    ),
    HOLIDAYS: parsedBy(parseHolidays).default({ regions: [], dates: [] }),
    LEAD_HOLIDAYS: flag.default(true),
    CALLING_RULES: z.enum(['shipped', 'us-states', 'none']).default('shipped'),
    LOGGED_ATTEMPT_LEAD_MINUTES: count(0, 1440).default(DEFAULT_LOGGED_ATTEMPT_LEAD_MINUTES),
    DRY_RUN: flag.default(false),
    WEBHOOK_DEADLINE_MS: count(500, 60_000).default(DEFAULT_WEBHOOK_DEADLINE_MS),
    REPORT_TIMEOUT_MS: count(1000, 600_000).default(DEFAULT_REPORT_TIMEOUT_MS),
    MAX_EVENT_LOOP_DELAY_MS: count(0, 60_000).default(DEFAULT_MAX_EVENT_LOOP_DELAY_MS),
    HEADERS_TIMEOUT_MS: count(1000, 600_000).default(DEFAULT_HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: count(1000, 600_000).default(DEFAULT_REQUEST_TIMEOUT_MS),
    KEEP_ALIVE_TIMEOUT_MS: count(1000, 3_600_000).default(DEFAULT_KEEP_ALIVE_TIMEOUT_MS),
    CRM_RATE_LIMIT: count(0, 100_000).optional(),
    CRM_MAX_CONCURRENCY: count(0, 1000).optional(),
    CRM_REPLICAS: count(1, 1000).default(1),
    CRM_DAILY_BUDGET: share.default(DEFAULT_CRM_DAILY_BUDGET),
    ADMIN_TOKEN: secret.min(24, 'must be at least 24 characters (use a random value)').optional(),
    METRICS_TOKEN: secret.min(16, 'must be at least 16 characters (use a random value)').optional(),
    PUBLIC_URL: baseUrl.optional(),
  });
}

function parseWeeklyHoursOrThrow(text: string): MinuteRange[][] {
  const parsed = parseWeeklyHours(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** `warnings`: settings that work but leave something undone, logged at start-up. */
export type ConfigResult =
  | { ok: true; config: Config; warnings: readonly string[] }
  | { ok: false; message: string };

/** Every variable the service and its connectors read, for the configuration reference. */
export const configVariables = (): string[] => [
  ...Object.keys(envSchema(() => '').shape),
  ...Object.values(CRM_CONFIGS).flatMap((crm) => crm.variables),
];

/**
 * Validates the environment once: the service's variables and the chosen CRM's (declared by its
 * connector, listed by the registry). Every bad variable is named in one message, so an operator
 * fixes them all in one go. Empty strings count as unset.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  readFile: ReadFile = (path) => readFileSync(path, 'utf8'),
): ConfigResult {
  const present: Env = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
  const result = envSchema(readFile).safeParse(present);
  const problems = result.success ? [] : problemsOf(result.error);
  if (present.CADENCE !== undefined && present.CADENCE_FILE !== undefined) {
    problems.push('CADENCE, CADENCE_FILE: set one of them, not both');
  }
  if (result.success && result.data.HEADERS_TIMEOUT_MS > result.data.REQUEST_TIMEOUT_MS) {
    problems.push('HEADERS_TIMEOUT_MS: must not be longer than REQUEST_TIMEOUT_MS');
  }
  // The CRM's variables are checked even when the service's own are bad, so nothing hides.
  const crm = crmSchema.safeParse(present.CRM);
  const crmConfig = crm.success ? CRM_CONFIGS[crm.data] : undefined;
  const settings = crmConfig?.parse(present);
  if (settings && !settings.ok) problems.push(...settings.problems);
  const rules =
    result.success && result.data.CALLING_RULES !== 'none'
      ? loadCallingRules()
      : { ok: true as const, value: new Map<string, CallingRule>() };
  if (!rules.ok) problems.push(`CALLING_RULES: src/rules/us-calling-rules.json: ${rules.error}`);
  // Hours that suit a team's own places may leave others none (an evening team and Rhode
  // Island): the engine then plans no call or text there, which start-up says rather than refuses.
  const closed =
    result.success && rules.ok ? closedWindows(result.data.LEAD_CONTACT_HOURS, rules.value) : [];
  const warnings =
    closed.length === 0
      ? []
      : [
          `LEAD_CONTACT_HOURS: the calling rules leave no time in it for leads in ${closed.join(', ')}: no call or text is planned for them (their cadence stops with no_calling_window once its emails are done); widen the hours to call them`,
        ];
  if (!result.success || !crm.success || !settings?.ok || !rules.ok || problems.length > 0) {
    return {
      ok: false,
      message: `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    };
  }
  const e = result.data;
  return {
    ok: true,
    warnings,
    config: {
      port: e.PORT,
      host: e.HOST,
      logLevel: e.LOG_LEVEL,
      crm: crm.data,
      cadence: e.CADENCE ?? e.CADENCE_FILE ?? researchCadence,
      timezone: e.TIMEZONE,
      businessHours: e.BUSINESS_HOURS,
      leadContactHours: e.LEAD_CONTACT_HOURS,
      holidays: e.HOLIDAYS,
      leadHolidays: e.LEAD_HOLIDAYS,
      callingRules: rules.value,
      dryRun: e.DRY_RUN,
      webhookDeadlineMs: e.WEBHOOK_DEADLINE_MS,
      reportTimeoutMs: e.REPORT_TIMEOUT_MS,
      loggedAttemptLeadMinutes: e.LOGGED_ATTEMPT_LEAD_MINUTES,
      maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      crmRateLimit: e.CRM_RATE_LIMIT ?? CRM_CONFIGS[crm.data].rateLimit,
      crmMaxConcurrency: e.CRM_MAX_CONCURRENCY ?? CRM_CONFIGS[crm.data].maxConcurrency,
      crmReplicas: e.CRM_REPLICAS,
      crmDailyBudget: e.CRM_DAILY_BUDGET,
      ...(e.ADMIN_TOKEN === undefined ? {} : { adminToken: e.ADMIN_TOKEN }),
      ...(e.METRICS_TOKEN === undefined ? {} : { metricsToken: e.METRICS_TOKEN }),
      ...(e.PUBLIC_URL === undefined ? {} : { publicUrl: e.PUBLIC_URL }),
      ...(settings.value === undefined ? {} : { [crm.data]: settings.value }),
    },
  };
}
