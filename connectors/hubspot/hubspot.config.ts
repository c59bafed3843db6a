/** HubSpot's environment variables: names, defaults and validation, owned by the connector. */
import { z } from 'zod';
import { baseUrl, flag, list, secret } from '../../src/config/variables.ts';
import { crmConfig } from '../crm-config.port.ts';

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
  /** Internal name of the contact checkbox that marks do-not-call; unset, no contact is. */
  readonly doNotCallProperty?: string;
  /**
   * Accept v1/v2 signatures (no timestamp: a captured delivery can be replayed forever) from
   * requests without a v3 one. @default false
   */
  readonly legacySignatures: boolean;
}

const DEFAULT_OPEN_LEAD_STATUSES = ['NEW', 'OPEN', 'ATTEMPTED_TO_CONTACT'];
/** Statuses that mean a conversation happened; a converted lead always counts as reached. */
const DEFAULT_CONTACTED_LEAD_STATUSES = ['CONNECTED', 'IN_PROGRESS', 'OPEN_DEAL'];

const statuses = list.pipe(
  z.array(
    z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be hs_lead_status values, comma-separated'),
  ),
);

/** A contact property's internal name: HubSpot's are lowercase letters, digits, underscores. */
export const propertyName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,99}$/, 'must be the internal name of a contact property');

const variables = z.object({
  HUBSPOT_ACCESS_TOKEN: secret.optional(),
  HUBSPOT_CLIENT_SECRET: secret.optional(),
  HUBSPOT_API_BASE_URL: baseUrl.default('https://api.hubapi.com'),
  HUBSPOT_DEFAULT_OWNER_ID: z
    .string()
    .regex(/^\d{1,20}$/, 'must be a HubSpot owner id (digits)')
    .optional(),
  HUBSPOT_OPEN_LEAD_STATUSES: statuses.default(DEFAULT_OPEN_LEAD_STATUSES),
  HUBSPOT_CONTACTED_LEAD_STATUSES: statuses.default(DEFAULT_CONTACTED_LEAD_STATUSES),
  HUBSPOT_DO_NOT_CALL_PROPERTY: propertyName.optional(),
  HUBSPOT_LEGACY_SIGNATURES: flag.default(false),
});

export const hubspotConfig = crmConfig({
  name: 'hubspot',
  variables,
  // HubSpot signs the full URL it calls, so the service must know its public address.
  required: ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_CLIENT_SECRET', 'PUBLIC_URL'],
  /**
   * HubSpot allows 100 requests per 10 s to public apps and to private apps on Free and Starter,
   * 190 to private apps on Professional and Enterprise: 100 is safe on every tier.
   */
  rateLimit: 100,
  maxConcurrency: 10,
  build: (e): HubSpotConfig => ({
    accessToken: e.HUBSPOT_ACCESS_TOKEN ?? '',
    clientSecret: e.HUBSPOT_CLIENT_SECRET ?? '',
    apiBaseUrl: e.HUBSPOT_API_BASE_URL,
    openLeadStatuses: e.HUBSPOT_OPEN_LEAD_STATUSES,
    contactedLeadStatuses: e.HUBSPOT_CONTACTED_LEAD_STATUSES,
    legacySignatures: e.HUBSPOT_LEGACY_SIGNATURES,
    ...(e.HUBSPOT_DEFAULT_OWNER_ID === undefined
      ? {}
      : { defaultOwnerId: e.HUBSPOT_DEFAULT_OWNER_ID }),
    ...(e.HUBSPOT_DO_NOT_CALL_PROPERTY === undefined
      ? {}
      : { doNotCallProperty: e.HUBSPOT_DO_NOT_CALL_PROPERTY }),
  }),
});
