/** Salesforce's environment variables: names, defaults and validation, owned by the connector. */
import { z } from 'zod';
import { baseUrl, type Env, list, secret } from '../../src/config/variables.ts';
import { crmConfig } from '../crm-config.port.ts';

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
  /**
   * `?token=` of the outbound messages' endpoint URL; unset refuses outbound messages. Not the
   * callout's token: a URL is seen in Setup and in proxy logs, a Named Credential is not.
   */
  readonly outboundToken?: string;
  /** Task owner when the lead's owner is a queue. */
  readonly defaultOwnerId?: string;
  /** Lead `Status` values that keep a cadence running. */
  readonly openLeadStatuses: readonly string[];
  /** Lead `Status` values that say contact was made, for the attempts report. */
  readonly contactedLeadStatuses: readonly string[];
}

const DEFAULT_OPEN_LEAD_STATUSES = ['Open - Not Contacted', 'Working - Contacted'];
const DEFAULT_CONTACTED_LEAD_STATUSES = ['Working - Contacted'];

const salesforceId = (prefix: string, what: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}[A-Za-z0-9]{${15 - prefix.length}}([A-Za-z0-9]{3})?$`),
      `must be a 15- or 18-character ${what} id starting with ${prefix}`,
    );

const variables = z.object({
  SALESFORCE_INSTANCE_URL: baseUrl.optional(),
  SALESFORCE_ACCESS_TOKEN: secret.optional(),
  SALESFORCE_LOGIN_URL: baseUrl.optional(),
  SALESFORCE_CLIENT_ID: secret.optional(),
  SALESFORCE_CLIENT_SECRET: secret.optional(),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, 'must be a REST API version such as 65.0')
    .default('65.0'),
  SALESFORCE_ORG_ID: salesforceId('00D', 'organization').optional(),
  SALESFORCE_WEBHOOK_TOKEN: secret
    .min(24, 'must be at least 24 characters (use a random value)')
    .optional(),
  SALESFORCE_OUTBOUND_TOKEN: secret
    .min(24, 'must be at least 24 characters (use a random value)')
    .regex(/^[A-Za-z0-9._~-]+$/, 'must hold only letters, digits and . _ ~ - (it goes in a URL)')
    .optional(),
  SALESFORCE_DEFAULT_OWNER_ID: salesforceId('005', 'user').optional(),
  SALESFORCE_OPEN_LEAD_STATUSES: list
    .pipe(z.array(z.string().max(255)).min(1, 'name at least one status'))
    .default(DEFAULT_OPEN_LEAD_STATUSES),
  SALESFORCE_CONTACTED_LEAD_STATUSES: list
    .pipe(z.array(z.string().max(255)))
    .default(DEFAULT_CONTACTED_LEAD_STATUSES),
});

const TOKEN_AUTH = ['SALESFORCE_INSTANCE_URL', 'SALESFORCE_ACCESS_TOKEN'];
const CLIENT_AUTH = ['SALESFORCE_LOGIN_URL', 'SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET'];

/** Salesforce takes either a ready session or an app's client credentials, whole. */
function authProblems(env: Env): string[] {
  const has = (names: string[]) => names.filter((n) => env[n] !== undefined);
  const token = has(TOKEN_AUTH);
  const client = has(CLIENT_AUTH);
  if (token.length === TOKEN_AUTH.length || client.length === CLIENT_AUTH.length) return [];
  const missing =
    client.length > 0
      ? CLIENT_AUTH.filter((n) => !client.includes(n))
      : TOKEN_AUTH.filter((n) => !token.includes(n));
  return [
    `${missing.join(', ')}: required when CRM=salesforce (set SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN, or SALESFORCE_LOGIN_URL + SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET)`,
  ];
}

type Values = z.output<typeof variables>;

function authOf(e: Values): SalesforceAuth {
  return e.SALESFORCE_LOGIN_URL && e.SALESFORCE_CLIENT_ID && e.SALESFORCE_CLIENT_SECRET
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
}

export const salesforceConfig = crmConfig({
  name: 'salesforce',
  variables,
  required: ['SALESFORCE_ORG_ID'],
  check: authProblems,
  // Salesforce counts a daily allocation, not a window: 100 per 10 s leaves room for the org's
  // other integrations; it allows 25 long-running requests per org at once.
  rateLimit: 100,
  maxConcurrency: 10,
  build: (e): SalesforceConfig => ({
    auth: authOf(e),
    apiVersion: e.SALESFORCE_API_VERSION,
    orgId: e.SALESFORCE_ORG_ID ?? '',
    openLeadStatuses: e.SALESFORCE_OPEN_LEAD_STATUSES,
    contactedLeadStatuses: e.SALESFORCE_CONTACTED_LEAD_STATUSES,
    ...(e.SALESFORCE_WEBHOOK_TOKEN === undefined
      ? {}
      : { webhookToken: e.SALESFORCE_WEBHOOK_TOKEN }),
    ...(e.SALESFORCE_OUTBOUND_TOKEN === undefined
      ? {}
      : { outboundToken: e.SALESFORCE_OUTBOUND_TOKEN }),
    ...(e.SALESFORCE_DEFAULT_OWNER_ID === undefined
      ? {}
      : { defaultOwnerId: e.SALESFORCE_DEFAULT_OWNER_ID }),
  }),
});
