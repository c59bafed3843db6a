import type { Config } from '../src/config/config.ts';
import type { CrmConfig } from './crm-config.port.ts';
import type { CrmConnector } from './crm-connector.port.ts';
import { createDailyGuard } from './daily-guard.ts';
import { hubspotConfig } from './hubspot/hubspot.config.ts';
import { checkLeadStatuses, type StartReport } from './lead-statuses.ts';
import { createRequestGate, type RequestGate } from './request-gate.ts';
import { salesforceConfig } from './salesforce/salesforce.config.ts';
import { sandboxConfig } from './sandbox/sandbox.config.ts';
import { createSandboxCrm, type SandboxCrm } from './sandbox/sandbox.connector.ts';
import type { CrmTelemetry } from './telemetry.ts';

/**
 * Each CRM's own variables, declared beside its connector. `loadConfig` checks the chosen one
 * together with the service's variables, so one message names every bad variable.
 */
export const CRM_CONFIGS = {
  sandbox: sandboxConfig,
  hubspot: hubspotConfig,
  salesforce: salesforceConfig,
} as const;

export type CrmName = keyof typeof CRM_CONFIGS;
export const CRM_NAMES = Object.keys(CRM_CONFIGS) as [CrmName, ...CrmName[]];

type SettingsOf<K extends CrmName> = (typeof CRM_CONFIGS)[K] extends CrmConfig<infer T> ? T : never;

/** The chosen CRM's settings under its name (`config.hubspot`); CRMs without any have none. */
export type CrmSettings = {
  readonly [K in CrmName as SettingsOf<K> extends undefined ? never : K]?: SettingsOf<K>;
};

export interface ConnectorChoice {
  readonly connector: CrmConnector;
  /** Set when the embedded sandbox serves, so its own routes can be mounted. */
  readonly sandbox?: SandboxCrm;
  /**
   * Work before serving: a first OAuth token (failing it throws, which stops start-up), and the
   * check of the configured lead statuses against the CRM's picklist, whose `problems` stop
   * start-up too and whose `warnings` are logged.
   */
  readonly start?: () => Promise<StartReport>;
  /** The client-side rate limit every request to the CRM passes. */
  readonly gate: RequestGate;
}

type ConnectorResult = { ok: true; value: ConnectorChoice } | { ok: false; message: string };

/**
 * The one place that maps `CRM` to a connector; a new CRM is one more case here. CRM SDKs are
 * loaded only when chosen (jsforce alone takes about 100 ms to import).
 */
export async function createConnector(
  config: Config,
  now: () => number,
  telemetry?: CrmTelemetry,
): Promise<ConnectorResult> {
  const gate = createRequestGate({
    limit: config.crmRateLimit,
    replicas: config.crmReplicas,
    maxConcurrency: config.crmMaxConcurrency,
    daily: createDailyGuard(config.crmDailyBudget, now),
    ...(telemetry ? { onRequest: telemetry.request } : {}),
  });
  switch (config.crm) {
    case 'sandbox': {
      const sandbox = createSandboxCrm(now);
      return { ok: true, value: { connector: sandbox, sandbox, gate } };
    }
    case 'hubspot': {
      if (!config.hubspot)
        return { ok: false, message: 'CRM=hubspot needs the HUBSPOT_* variables' };
      const { createHubSpotConnector, LEAD_STATUS_PROPERTY } = await import(
        './hubspot/hubspot.connector.ts'
      );
      const { hubspot } = config;
      const connector = createHubSpotConnector({ ...hubspot, gate, telemetry });
      const start = () =>
        checkLeadStatuses(connector.leadStatusPicklist, LEAD_STATUS_PROPERTY, [
          { variable: 'HUBSPOT_OPEN_LEAD_STATUSES', statuses: hubspot.openLeadStatuses },
          { variable: 'HUBSPOT_CONTACTED_LEAD_STATUSES', statuses: hubspot.contactedLeadStatuses },
        ]);
      return { ok: true, value: { connector, gate, start } };
    }
    case 'salesforce': {
      if (!config.salesforce) {
        return { ok: false, message: 'CRM=salesforce needs the SALESFORCE_* variables' };
      }
      const { createSalesforceConnector, LEAD_STATUS_FIELD } = await import(
        './salesforce/salesforce.connector.ts'
      );
      const { salesforce } = config;
      const connector = createSalesforceConnector({
        ...salesforce,
        teamZone: config.timezone,
        gate,
        telemetry,
      });
      const start = async () => {
        await connector.connect();
        return checkLeadStatuses(connector.leadStatusPicklist, LEAD_STATUS_FIELD, [
          { variable: 'SALESFORCE_OPEN_LEAD_STATUSES', statuses: salesforce.openLeadStatuses },
          {
            variable: 'SALESFORCE_CONTACTED_LEAD_STATUSES',
            statuses: salesforce.contactedLeadStatuses,
          },
        ]);
      };
      return { ok: true, value: { connector, gate, start } };
    }
  }
}
