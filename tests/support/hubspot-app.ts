import { createHmac } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { OBJECT_TYPE_ID } from '../../connectors/hubspot/hubspot.mapping.ts';
import type { LoadMonitor } from '../../src/http/load-monitor.ts';
import type { TrafficOptions } from '../emulators/emulator-kit.ts';
import { type HubSpotEmulator, startHubSpotEmulator } from '../emulators/hubspot-emulator.ts';
import { serveApp, testConfig } from './test-app.ts';

export const CLIENT_SECRET = 'hubspot-client-secret-for-tests';
export const PUBLIC_URL = 'https://followup.example.com';

export interface HubSpotTestApp {
  readonly app: FastifyInstance;
  readonly emulator: HubSpotEmulator;
  /** The requests start-up made before the service served (its lead-status check). */
  readonly startup: readonly HubSpotEmulator['requests'][number][];
  /** The service's own address (the test calls it as HubSpot does, over HTTP). */
  readonly serviceUrl: string;
  now(): number;
  advance(minutes: number): void;
  /** Sends a v3-signed delivery, as HubSpot does. */
  deliver(events: unknown, options?: DeliverOptions): Promise<Response>;
  /** Starts one more instance of the service on the same HubSpot; returns its `deliver`. */
  addReplica(): Promise<HubSpotTestApp['deliver']>;
  close(): Promise<void>;
}

export interface DeliverOptions {
  readonly headers?: Record<string, string>;
  /** Raw body to send instead of `JSON.stringify(events)`. */
  readonly body?: string | Buffer;
  /** Skip signing; `headers` then carries whatever the test wants. */
  readonly unsigned?: boolean;
  readonly timestamp?: number;
}

/** v3: base64 HMAC-SHA256 of method + URI + body + timestamp, keyed with the client secret. */
export function signV3(
  uri: string,
  body: string | Buffer,
  timestamp: number,
  secret = CLIENT_SECRET,
) {
  return createHmac('sha256', secret)
    .update(`POST${uri}`)
    .update(body)
    .update(String(timestamp))
    .digest('base64');
}

let eventSeq = 1;

/** A HubSpot webhook event with the fields HubSpot always sends. */
export function hubspotEvent(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    eventId: eventSeq++,
    subscriptionId: 2400,
    portalId: 62515,
    appId: 54321,
    occurredAt: Date.now(),
    attemptNumber: 0,
    changeSource: 'CRM_UI',
    ...fields,
  };
}

/** A new contact, as HubSpot announces it. */
export const contactCreated = (id: string) =>
  hubspotEvent({ subscriptionType: 'contact.creation', objectId: Number(id) });

/**
 * An event of a developer-platform (project) app: generic `object.*` types naming the object by
 * `objectTypeId`, with the fields HubSpot sends (developers.hubspot.com/changelog/public-beta-
 * generic-webhook-subscriptions; configure-webhooks on the developer platform).
 */
export function objectEvent(
  objectType: keyof typeof OBJECT_TYPE_ID,
  action: 'creation' | 'propertyChange' | 'merge' | 'restore' | 'deletion',
  id: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return hubspotEvent({
    subscriptionType: `object.${action}`,
    objectId: Number(id),
    objectTypeId: OBJECT_TYPE_ID[objectType],
    sourceId: 'userId:98499705',
    isSensitive: false,
    ...fields,
  });
}

/** A task's status changed (a rep completed it, by default). */
export const taskStatusChanged = (id: string, propertyValue = 'COMPLETED') =>
  objectEvent('task', 'propertyChange', id, { propertyName: 'hs_task_status', propertyValue });

/** A call engagement was logged. */
export const callLogged = (id: string) => objectEvent('call', 'creation', id);

export async function startHubSpotApp(
  startAt: string,
  env: Record<string, string> = {},
  options: {
    traffic?: TrafficOptions;
    logger?: FastifyBaseLogger;
    load?: LoadMonitor;
    /** Let the emulator serve the legacy /crm/v3 and /crm/v4 paths too. */
    legacyApi?: boolean;
    /** The token's scopes, when not the app's. */
    scopes?: readonly string[];
    /** Set the account up before the service starts (its start-up reads the account). */
    prepare?: (emulator: HubSpotEmulator) => void;
  } = {},
): Promise<HubSpotTestApp> {
  let now = Date.parse(startAt);
  const clock = () => now;
  const { logger, load, prepare, ...emulatorOptions } = options;
  const emulator = await startHubSpotEmulator({ now: clock, ...emulatorOptions });
  prepare?.(emulator);
  const config = testConfig({
    CRM: 'hubspot',
    HUBSPOT_ACCESS_TOKEN: emulator.token,
    HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
    HUBSPOT_API_BASE_URL: emulator.url,
    PUBLIC_URL,
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

  const deliverTo =
    (url: string): HubSpotTestApp['deliver'] =>
    async (events, options = {}) => {
      const path = '/webhooks/hubspot';
      const body = options.body ?? JSON.stringify(events);
      const timestamp = options.timestamp ?? now;
      const signature = options.unsigned
        ? {}
        : {
            'x-hubspot-signature-v3': signV3(`${PUBLIC_URL}${path}`, body, timestamp),
            'x-hubspot-request-timestamp': String(timestamp),
          };
      return fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signature, ...options.headers },
        body,
      });
    };

  return {
    app,
    emulator,
    startup,
    serviceUrl,
    now: clock,
    advance(minutes) {
      now += minutes * 60_000;
    },
    deliver: deliverTo(serviceUrl),
    async addReplica() {
      const replica = await serveApp(config, clock);
      replicas.push(replica.app);
      return deliverTo(replica.serviceUrl);
    },
    async close() {
      await Promise.all([app, ...replicas].map((a) => a.close()));
      await emulator.close();
    },
  };
}
