import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { LoadMonitor } from '../../src/http/load-monitor.ts';
import type { TrafficOptions } from '../emulators/emulator-kit.ts';
import {
  type SalesforceEmulator,
  startSalesforceEmulator,
} from '../emulators/salesforce-emulator.ts';
import { serveApp, testConfig } from './test-app.ts';

export const WEBHOOK_TOKEN = 'flow-callout-token-0123456789abcdef';
/** The `?token=` of the outbound messages' endpoint URL. */
export const OUTBOUND_TOKEN = 'outbound-message-token-0123456789';

export interface SalesforceTestApp {
  readonly app: FastifyInstance;
  readonly emulator: SalesforceEmulator;
  /** The requests start-up made before the service served (its lead-status check). */
  readonly startup: readonly SalesforceEmulator['requests'][number][];
  readonly serviceUrl: string;
  now(): number;
  advance(minutes: number): void;
  /** Posts an outbound message (SOAP) as Salesforce does, to the URL with `token` (none: null). */
  outbound(xml: string, token?: string | null): Promise<Response>;
  /** Posts a Flow / Apex JSON callout. */
  callout(body: unknown, token?: string): Promise<Response>;
  /** Starts one more instance of the service on the same org; returns its `outbound`. */
  addReplica(): Promise<SalesforceTestApp['outbound']>;
  close(): Promise<void>;
}

export interface Notification {
  readonly type: 'Lead' | 'Task' | 'Contact';
  readonly fields: Record<string, string>;
}

let notificationSeq = 1;

/** An outbound message exactly as Salesforce writes one. */
export function outboundMessage(orgId: string, notifications: readonly Notification[]): string {
  const items = notifications
    .map((n) => {
      const fields = Object.entries(n.fields)
        .map(([name, value]) => `<sf:${name}>${value}</sf:${name}>`)
        .join('');
      const id = `04l5g${String(notificationSeq++).padStart(10, '0')}AAA`;
      return `<Notification><Id>${id}</Id><sObject xsi:type="sf:${n.type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject></Notification>`;
    })
    .join('\n   ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${orgId}</OrganizationId>
   <ActionId>04k5g000000TestAAA</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/65.0/${orgId.slice(0, 15)}</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/65.0/${orgId.slice(0, 15)}</PartnerUrl>
   ${items}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;
}

export async function startSalesforceApp(
  startAt: string,
  env: Record<string, string> = {},
  auth: 'token' | 'client_credentials' = 'token',
  options: {
    traffic?: TrafficOptions;
    logger?: FastifyBaseLogger;
    load?: LoadMonitor;
    /** Set the org up before the service starts (its start-up reads the org). */
    prepare?: (emulator: SalesforceEmulator) => void;
  } = {},
): Promise<SalesforceTestApp> {
  let now = Date.parse(startAt);
  const clock = () => now;
  const { logger, load, prepare, ...emulatorOptions } = options;
  const emulator = await startSalesforceEmulator({ now: clock, ...emulatorOptions });
  prepare?.(emulator);
  const credentials: Record<string, string> =
    auth === 'token'
      ? { SALESFORCE_INSTANCE_URL: emulator.url, SALESFORCE_ACCESS_TOKEN: emulator.accessToken }
      : {
          SALESFORCE_LOGIN_URL: emulator.url,
          SALESFORCE_CLIENT_ID: emulator.clientId,
          SALESFORCE_CLIENT_SECRET: emulator.clientSecret,
        };
  const config = testConfig({
    CRM: 'salesforce',
    ...credentials,
    SALESFORCE_ORG_ID: emulator.orgId,
    SALESFORCE_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
    SALESFORCE_OUTBOUND_TOKEN: OUTBOUND_TOKEN,
    TIMEZONE: 'America/New_York',
    ...env,
  });
  const { app, serviceUrl } = await serveApp(config, clock, logger, load).catch(
    async (error: unknown) => {
      await emulator.close();
      throw error;
    },
  );
  // The start-up's own reads (the lead-status check) apart: `emulator.requests` is the work since.
  const startup = emulator.requests.splice(0);
  const replicas: FastifyInstance[] = [];
  const postTo =
    (url: string) =>
    (body: string, headers: Record<string, string>, query = '') =>
      fetch(`${url}/webhooks/salesforce${query}`, { method: 'POST', headers, body });
  const outboundTo =
    (url: string) =>
    (xml: string, token: string | null = OUTBOUND_TOKEN) =>
      postTo(url)(
        xml,
        { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
        token === null ? '' : `?token=${encodeURIComponent(token)}`,
      );
  return {
    app,
    emulator,
    startup,
    serviceUrl,
    now: clock,
    advance(minutes) {
      now += minutes * 60_000;
    },
    outbound: outboundTo(serviceUrl),
    callout: (body, token = WEBHOOK_TOKEN) =>
      postTo(serviceUrl)(typeof body === 'string' ? body : JSON.stringify(body), {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      }),
    async addReplica() {
      const replica = await serveApp(config, clock);
      replicas.push(replica.app);
      return outboundTo(replica.serviceUrl);
    },
    async close() {
      await Promise.all([app, ...replicas].map((a) => a.close()));
      await emulator.close();
    },
  };
}
