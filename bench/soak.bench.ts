/**
 * Soak run: minutes of mixed webhook traffic with CRM faults on, against the real service
 * started as `node src/server.ts` twice (CRM=hubspot and CRM=salesforce), each in its own
 * process so its memory is measured alone. Reports each service's RSS and open file
 * descriptors (sockets, timers' handles show up as fds only when they hold one) after warm-up
 * and at the end, and checks every lead's final tasks: none missing, no twin.
 *
 *   node bench/soak.bench.ts            # 180 s
 *   SOAK_SECONDS=600 node bench/soak.bench.ts
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { cadenceTaskFrom as hubspotTask } from '../connectors/hubspot/hubspot.mapping.ts';
import {
  type SalesforceTask,
  cadenceTaskFrom as salesforceTask,
} from '../connectors/salesforce/salesforce.mapping.ts';
import { seededRandom } from '../tests/emulators/emulator-kit.ts';
import { startHubSpotEmulator } from '../tests/emulators/hubspot-emulator.ts';
import { startSalesforceEmulator } from '../tests/emulators/salesforce-emulator.ts';
import { outboundMessage } from '../tests/support/salesforce-app.ts';
import {
  hasTwin,
  hubspotSender,
  hubspotSteps,
  PUBLIC_URL,
  ready,
  salesforceSender,
  salesforceSteps,
  startService,
} from './bench-kit.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 180);
const WARM_UP_MS = 60_000;
const SECRET = 'soak-client-secret';
const random = seededRandom(424242);

const hubspot = await startHubSpotEmulator();
const salesforce = await startSalesforceEmulator();
// Faults on every kind the services must survive; slow answers cross the 1 s deadline.
hubspot.failRandomly(
  0.05,
  [
    { kind: 'rate_limit' },
    { kind: 'status', status: 503 },
    { kind: 'reset' },
    { kind: 'slow', ms: 1200 },
    { kind: 'lost_response' },
  ],
  1,
);
salesforce.failRandomly(
  0.05,
  [
    { kind: 'request_limit' },
    { kind: 'status', status: 503 },
    { kind: 'reset' },
    { kind: 'slow', ms: 1200 },
    { kind: 'lost_response' },
    { kind: 'locked' },
  ],
  2,
);

const startSoaked = (port: number, env: Record<string, string>) =>
  startService(port, { WEBHOOK_DEADLINE_MS: '1000', CRM_RATE_LIMIT: '0', ...env });

const services = {
  hubspot: startSoaked(3301, {
    CRM: 'hubspot',
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    HUBSPOT_CLIENT_SECRET: SECRET,
    HUBSPOT_API_BASE_URL: hubspot.url,
    PUBLIC_URL,
  }),
  salesforce: startSoaked(3302, {
    CRM: 'salesforce',
    SALESFORCE_INSTANCE_URL: salesforce.url,
    SALESFORCE_ACCESS_TOKEN: salesforce.accessToken,
    SALESFORCE_ORG_ID: salesforce.orgId,
  }),
};

await Promise.all([ready(3301), ready(3302)]);

function usage(child: ChildProcess) {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return {
    rssMb: Math.round(rssKb / 102.4) / 10,
    fds: readdirSync(`/proc/${child.pid}/fd`).length,
  };
}

/** Sends until acknowledged (at most 11 times, as HubSpot does); counts the answers. */
const answers: Record<string, number> = {};
async function untilAcknowledged(send: () => Promise<Response>) {
  for (let attempt = 1; attempt <= 11; attempt++) {
    let status = 0;
    try {
      const response = await send();
      status = response.status;
      await response.arrayBuffer();
    } catch {}
    answers[status] = (answers[status] ?? 0) + 1;
    if (status >= 200 && status < 300) return true;
    await sleep(50 + random() * 100);
  }
  return false;
}

const deliverHubSpot = hubspotSender(3301, SECRET);
const deliverSalesforce = salesforceSender(3302);

const contacts: string[] = [];
const leads: string[] = [];
const completed = new Set<string>();
let lost = 0;

async function hubspotRound() {
  const batch = Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
    hubspot.createContact({ firstname: 'Soak', hubspot_owner_id: '101' }),
  );
  contacts.push(...batch);
  const events = batch.map((id) => ({
    subscriptionType: 'contact.creation',
    objectId: Number(id),
  }));
  if (!(await untilAcknowledged(() => deliverHubSpot(events)))) lost++;
  const id = batch[0] ?? '';
  const call = hubspot.tasksOf(id).find((t) => hubspotTask(t)?.channel === 'call');
  if (call && random() < 0.5) {
    hubspot.updateTask(call.id, { hs_task_status: 'COMPLETED' });
    completed.add(id);
    const change = {
      subscriptionType: 'object.propertyChange',
      objectTypeId: '0-27',
      objectId: Number(call.id),
      propertyName: 'hs_task_status',
    };
    if (!(await untilAcknowledged(() => deliverHubSpot([change])))) lost++;
  }
  // Bad input now and then: refused, never written.
  await (
    await fetch('http://127.0.0.1:3301/webhooks/hubspot', { method: 'POST', body: '[' })
  ).arrayBuffer();
}

async function salesforceRound() {
  const batch = Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
    salesforce.createLead({ LastName: 'Soak', Company: 'Acme' }),
  );
  leads.push(...batch);
  const xml = outboundMessage(
    salesforce.orgId,
    batch.map((Id) => ({ type: 'Lead', fields: { Id } })),
  );
  if (!(await untilAcknowledged(() => deliverSalesforce(xml)))) lost++;
  const id = batch[0] ?? '';
  const call = salesforce
    .tasksOf(id)
    .find((t) => salesforceTask(t as unknown as SalesforceTask)?.channel === 'call');
  if (call && random() < 0.5) {
    salesforce.updateTask(call.Id, { Status: 'Completed', CallDisposition: 'No answer' });
    completed.add(id);
    const task = outboundMessage(salesforce.orgId, [
      { type: 'Task', fields: { Id: call.Id, WhoId: id } },
    ]);
    if (!(await untilAcknowledged(() => deliverSalesforce(task)))) lost++;
  }
  await (await deliverSalesforce('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).arrayBuffer();
}

const began = performance.now();
const end = began + SECONDS * 1000;
let warm: { hubspot: ReturnType<typeof usage>; salesforce: ReturnType<typeof usage> } | undefined;
const samples: string[] = [];
const worker = async (round: () => Promise<void>) => {
  while (performance.now() < end) await round();
};
const sampler = (async () => {
  while (performance.now() < end) {
    await sleep(10_000);
    const now = { hubspot: usage(services.hubspot), salesforce: usage(services.salesforce) };
    if (!warm && performance.now() - began >= WARM_UP_MS) warm = now;
    samples.push(
      `${Math.round((performance.now() - began) / 1000)} s: hubspot ${now.hubspot.rssMb} MB / ${now.hubspot.fds} fds, salesforce ${now.salesforce.rssMb} MB / ${now.salesforce.fds} fds`,
    );
  }
})();
await Promise.all([
  worker(hubspotRound),
  worker(hubspotRound),
  worker(salesforceRound),
  worker(salesforceRound),
  sampler,
]);
hubspot.clearFaults();
salesforce.clearFaults();
await sleep(2000);
const last = { hubspot: usage(services.hubspot), salesforce: usage(services.salesforce) };

// Every lead: call and email open once, or call 1 done and call 2 open. No twin, none missing.
let wrong = 0;
for (const id of contacts) {
  const steps = hubspotSteps(hubspot, id);
  if (hasTwin(steps) || steps.length !== (completed.has(id) ? 3 : 2)) wrong++;
}
for (const id of leads) {
  const steps = salesforceSteps(salesforce, id);
  if (hasTwin(steps) || steps.length !== (completed.has(id) ? 3 : 2)) wrong++;
}

for (const child of Object.values(services)) child.kill('SIGTERM');
await Promise.all([hubspot.close(), salesforce.close()]);

process.stdout.write(`${samples.join('\n')}

| service | RSS after ${WARM_UP_MS / 1000} s | RSS at ${SECONDS} s | open fds after warm-up | open fds at end |
|---|---:|---:|---:|---:|
| hubspot | ${warm?.hubspot.rssMb ?? '—'} MB | ${last.hubspot.rssMb} MB | ${warm?.hubspot.fds ?? '—'} | ${last.hubspot.fds} |
| salesforce | ${warm?.salesforce.rssMb ?? '—'} MB | ${last.salesforce.rssMb} MB | ${warm?.salesforce.fds ?? '—'} | ${last.salesforce.fds} |

leads: ${contacts.length} HubSpot + ${leads.length} Salesforce; follow-ups: ${completed.size}; deliveries given up: ${lost}; leads with missing or twin tasks: ${wrong}
answers: ${JSON.stringify(answers)}; CRM requests: HubSpot ${hubspot.requests.length}, Salesforce ${salesforce.requests.length}\n`);
process.exit(wrong === 0 ? 0 : 1);
