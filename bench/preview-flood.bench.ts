/**
 * Preview-flood benchmark: do signed HubSpot deliveries still answer in time while anyone
 * floods the open cadence preview? The real service (`node src/server.ts`, CRM=hubspot on its
 * emulator) gets one signed delivery every DELIVERY_EVERY_MS (300) for FLOOD_SECONDS (20),
 * first alone, then while FLOOD_CLIENTS (100) clients post previews of leads that a dozen zones
 * may hold, each on another day of the century (no cache helps). SERVICE_DIR runs another
 * checkout of the service (an older commit, for a side-by-side figure). Prints a table;
 * asserts nothing.
 *
 *   npm run bench:preview-flood
 *   SERVICE_DIR=/tmp/old FLOOD_SECONDS=10 npm run bench:preview-flood
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startHubSpotEmulator } from '../tests/emulators/hubspot-emulator.ts';
import { freePort, hubspotSender, PUBLIC_URL, ready, startService } from './bench-kit.ts';

const numberFrom = (name: string, fallback: number) => Number(process.env[name] || fallback);
const SECONDS = numberFrom('FLOOD_SECONDS', 20);
const CLIENTS = numberFrom('FLOOD_CLIENTS', 100);
const DELIVERY_EVERY_MS = numberFrom('DELIVERY_EVERY_MS', 300);
const SECRET = 'preview-flood-client-secret';
const LEADS = [{ phone: '+1' }, { country: 'RU' }, { country: 'US' }, { country: 'BR' }];

/** Posts previews until `until`, each of another lead and day; counts the answers by status. */
async function flood(port: number, client: number, until: number, statuses: Map<number, number>) {
  for (let i = client * 100_000; performance.now() < until; i++) {
    const day = (i * 37) % 36_500;
    const createdAt = new Date(Date.UTC(2000, 0, 1) + day * 86_400_000).toISOString();
    const response = await fetch(`http://127.0.0.1:${port}/cadence/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ createdAt, ...LEADS[i % LEADS.length] }),
    }).catch(() => undefined);
    await response?.arrayBuffer();
    const status = response?.status ?? 0;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
}

/** One signed delivery every DELIVERY_EVERY_MS until `until`: their statuses and latencies. */
async function deliveries(port: number, contactId: string, until: number) {
  const send = hubspotSender(port, SECRET);
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  while (performance.now() < until) {
    const start = performance.now();
    const response = await send([
      { subscriptionType: 'contact.creation', objectId: Number(contactId), occurredAt: 1 },
    ]);
    await response.arrayBuffer();
    latencies.push(performance.now() - start);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    await sleep(DELIVERY_EVERY_MS);
  }
  return { statuses, latencies: latencies.sort((a, b) => a - b) };
}

const counts = (statuses: Map<number, number>) =>
  [...statuses].map(([status, n]) => `${n}× ${status}`).join(', ') || '—';

const hubspot = await startHubSpotEmulator();
hubspot.owners.add('101');
const contactId = hubspot.createContact({ firstname: 'Bench', phone: '+1 212 555 0100' });
const port = await freePort();
const service = startService(
  port,
  {
    CRM: 'hubspot',
    PUBLIC_URL,
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    HUBSPOT_CLIENT_SECRET: SECRET,
    HUBSPOT_API_BASE_URL: hubspot.url,
  },
  'ignore',
  process.env.SERVICE_DIR,
);
try {
  if (process.env.SERVICE_DIR) process.stdout.write(`service from ${process.env.SERVICE_DIR}\n`);
  await ready(port);
  process.stdout.write(
    `| run | deliveries | p50 ms | max ms | previews |\n|---|---|---:|---:|---|\n`,
  );
  for (const clients of [0, CLIENTS]) {
    const until = performance.now() + SECONDS * 1000;
    const previews = new Map<number, number>();
    const [run] = await Promise.all([
      deliveries(port, contactId, until),
      ...Array.from({ length: clients }, (_, client) => flood(port, client, until, previews)),
    ]);
    const { latencies } = run;
    const p50 = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
    process.stdout.write(
      `| ${clients} flooding clients | ${counts(run.statuses)} | ${p50.toFixed(0)} | ${(latencies.at(-1) ?? Number.NaN).toFixed(0)} | ${counts(previews)} |\n`,
    );
  }
} finally {
  service.kill();
  await hubspot.close();
}
