/**
 * What the benchmarks that run the real service share: starting `node src/server.ts` against
 * an emulator, waiting for it, sending deliveries as the CRMs do, and reading a lead's cadence
 * tasks back from the emulator's store.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { cadenceTaskFrom as hubspotTask } from '../connectors/hubspot/hubspot.mapping.ts';
import {
  type SalesforceTask,
  cadenceTaskFrom as salesforceTask,
} from '../connectors/salesforce/salesforce.mapping.ts';
import type { HubSpotEmulator } from '../tests/emulators/hubspot-emulator.ts';
import type { SalesforceEmulator } from '../tests/emulators/salesforce-emulator.ts';
import { signV3 } from '../tests/support/hubspot-app.ts';

export const PUBLIC_URL = 'https://followup.example.com';

/** A port free on the loopback interface now, for a process the bench starts. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/**
 * Starts the service as production does, listening on `port`, with quiet logs and hours open
 * all day (every new lead gets call 1 and email 1 at once, whatever time the bench runs).
 */
export function startService(
  port: number,
  env: Record<string, string>,
  /** Where its log lines go: nowhere by default, or an open file descriptor. */
  stdout: 'ignore' | number = 'ignore',
  /** The checkout to run (another commit's, for a side-by-side figure); this one by default. */
  cwd?: string,
): ChildProcess {
  return spawn(process.execPath, ['src/server.ts'], {
    ...(cwd ? { cwd } : {}),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TIMEZONE: 'America/New_York',
      BUSINESS_HOURS: 'Mon-Sun 00:00-24:00',
      LEAD_CONTACT_HOURS: '00:00-24:00',
      ...env,
    },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

export async function ready(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`service on ${port} did not become ready`);
}

/** Posts HubSpot deliveries to the service on `port`, v3-signed at send time as HubSpot does. */
export function hubspotSender(port: number, secret: string) {
  return (events: unknown[], signal?: AbortSignal): Promise<Response> => {
    const body = JSON.stringify(events);
    const timestamp = Date.now();
    return fetch(`http://127.0.0.1:${port}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signV3(`${PUBLIC_URL}/webhooks/hubspot`, body, timestamp, secret),
        'x-hubspot-request-timestamp': String(timestamp),
      },
      body,
      ...(signal ? { signal } : {}),
    });
  };
}

/** Posts Salesforce outbound messages to the service on `port`. */
export function salesforceSender(port: number) {
  return (xml: string): Promise<Response> =>
    fetch(`http://127.0.0.1:${port}/webhooks/salesforce`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: xml,
    });
}

/** A contact's cadence tasks in the emulator, as `step:status`. */
export const hubspotSteps = (hubspot: HubSpotEmulator, contactId: string): string[] =>
  hubspot
    .tasksOf(contactId)
    .flatMap((t) => hubspotTask(t) ?? [])
    .map((t) => `${t.step}:${t.status}`);

/** A lead's cadence tasks in the emulator, as `step:status`. */
export const salesforceSteps = (salesforce: SalesforceEmulator, leadId: string): string[] =>
  salesforce
    .tasksOf(leadId)
    .flatMap((t) => salesforceTask(t as unknown as SalesforceTask) ?? [])
    .map((t) => `${t.step}:${t.status}`);

/** Two tasks for the same step in the same state: a twin. */
export const hasTwin = (steps: readonly string[]): boolean => new Set(steps).size !== steps.length;
