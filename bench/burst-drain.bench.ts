/**
 * Burst drain: 10,000 new HubSpot contacts at once, delivered as HubSpot does (100 events a
 * request, at most 10 requests in flight, a request not answered 2xx within 5 s delivered again
 * later, after its `Retry-After`), to the real service (`node src/server.ts`, CRM=hubspot,
 * CRM_RATE_LIMIT=190) against the HubSpot emulator enforcing HubSpot's burst limit of 190
 * requests per 10 s (429 over it). Measures how long until every contact has its first tasks
 * and compares it with the floor the CRM's limit sets: the requests needed ÷ 19 per second,
 * counted from the requests actually made and from the fewest a 100-lead delivery needs
 * (measured on one delivery before the burst). Checks at the end, in the emulator's store:
 * every contact holds exactly call 1 and email 1 (none lost, no twin), no 10-second window saw
 * more than 190 requests, HubSpot answered no 429, and no delivery needed more attempts than
 * HubSpot makes (1 + 10 retries).
 *
 *   node bench/burst-drain.bench.ts                      # 10,000 leads
 *   BURST_LEADS=1000 node bench/burst-drain.bench.ts     # a quick run
 *   BURST_REPLICAS=4 node bench/burst-drain.bench.ts     # four replicas behind a balancer
 *
 * With BURST_REPLICAS=N the service runs as N processes, each with the whole account budget as
 * CRM_RATE_LIMIT and CRM_REPLICAS=N, and deliveries go to them in turn, as a load balancer
 * sends them: the replicas must share HubSpot's window from its rate-limit headers alone.
 *   CRM_MAX_CONCURRENCY=20 WEBHOOK_DEADLINE_MS=4000 node bench/burst-drain.bench.ts
 *
 * The service's own variables (CRM_MAX_CONCURRENCY, WEBHOOK_DEADLINE_MS, …) pass through from
 * the environment. BURST_SENDER_CONCURRENCY (default 10) is HubSpot's concurrency setting;
 * BURST_CRM_REPLICAS (default BURST_REPLICAS) sets CRM_REPLICAS apart from the processes started,
 * as a deployment whose HPA runs fewer pods than its maximum does. BURST_NO_RETRY_AFTER_S (default 5) is how long the sender waits when an answer carries no
 * `Retry-After` (a timeout); BURST_5XX_RETRY_S, when set, is how long it waits after a 5xx or a
 * timeout whatever `Retry-After` says (HubSpot is only known to honour it on a 429, and backs
 * off by minutes otherwise); BURST_CRM_LATENCY_MS (default 0) delays every emulator answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startHubSpotEmulator } from '../tests/emulators/hubspot-emulator.ts';
import { FIRST_STEPS } from '../tests/reliability/expected.ts';
import { contactCreated } from '../tests/support/hubspot-app.ts';
import {
  hasTwin,
  hubspotSender,
  hubspotSteps,
  PUBLIC_URL,
  ready,
  startService,
} from './bench-kit.ts';

const LEADS = Number(process.env.BURST_LEADS ?? 10_000);
const SENDER_CONCURRENCY = Number(process.env.BURST_SENDER_CONCURRENCY ?? 10);
const NO_RETRY_AFTER_S = Number(process.env.BURST_NO_RETRY_AFTER_S ?? 5);
const SERVER_ERROR_RETRY_S = process.env.BURST_5XX_RETRY_S;
const LATENCY_MS = Number(process.env.BURST_CRM_LATENCY_MS ?? 0);
/** HubSpot Professional / Enterprise private apps: 190 requests per rolling 10 s. */
const LIMIT = 190;
const WINDOW_MS = 10_000;
const EVENTS_PER_REQUEST = 100;
/** HubSpot stops waiting for an answer after 5 s. */
const SENDER_TIMEOUT_MS = 5000;
/** The first delivery and up to 10 retries. */
const HUBSPOT_ATTEMPTS = 11;
const TARGET = 1.2;
const PORT = 3311;
const REPLICAS = Number(process.env.BURST_REPLICAS ?? 1);
const CRM_REPLICAS = Number(process.env.BURST_CRM_REPLICAS ?? REPLICAS);
const SECRET = 'burst-client-secret';

const hubspot = await startHubSpotEmulator({
  traffic: { limit: LIMIT, windowMs: WINDOW_MS, latencyMs: LATENCY_MS },
});
const ports = Array.from({ length: REPLICAS }, (_, i) => PORT + i);
const services = ports.map((port) =>
  startService(port, {
    CRM: 'hubspot',
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    HUBSPOT_CLIENT_SECRET: SECRET,
    HUBSPOT_API_BASE_URL: hubspot.url,
    PUBLIC_URL,
    CRM_RATE_LIMIT: String(LIMIT),
    CRM_REPLICAS: String(CRM_REPLICAS),
  }),
);
await Promise.all(ports.map(ready));
const senders = ports.map((port) => hubspotSender(port, SECRET));
let turn = 0;
/** The replica the last delivery went to. */
let lastReplica = 0;
/** A load balancer's round robin over the replicas. */
const send: ReturnType<typeof hubspotSender> = (events, signal) => {
  lastReplica = turn++ % senders.length;
  return (senders[lastReplica] ?? hubspotSender(PORT, SECRET))(events, signal);
};

const newContacts = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    hubspot.createContact({ firstname: `Burst${i}`, company: 'Acme', hubspot_owner_id: '101' }),
  );
const created = contactCreated;

// The fewest requests a 100-lead delivery needs: one delivery alone, then a clear window.
const calibration = newContacts(EVENTS_PER_REQUEST);
const readinessRequests = hubspot.requests.length;
const calibrated = await send(calibration.map(created));
await calibrated.arrayBuffer();
if (calibrated.status !== 200) throw new Error(`calibration answered ${calibrated.status}`);
const minPerDelivery = hubspot.requests.length - readinessRequests;
await sleep(WINDOW_MS + 500);

interface Delivery {
  readonly events: Record<string, unknown>[];
  attempts: number;
  readyAt: number;
}

const contacts = newContacts(LEADS);
const queue: Delivery[] = [];
for (let i = 0; i < contacts.length; i += EVENTS_PER_REQUEST) {
  queue.push({
    events: contacts.slice(i, i + EVENTS_PER_REQUEST).map(created),
    attempts: 0,
    readyAt: 0,
  });
}
const deliveries = queue.length;
const answers: { at: number; status: string; replica: number; retryAfter?: number }[] = [];
const attemptsNeeded: number[] = [];
const refused: Delivery[] = [];
let inFlight = 0;

/** One attempt; a shed or timed-out delivery goes back in the queue, due after Retry-After. */
async function attempt(delivery: Delivery) {
  delivery.attempts++;
  const events = delivery.events.map((e) => ({ ...e, attemptNumber: delivery.attempts - 1 }));
  let status = 'timeout';
  let retryAfter: number | undefined;
  let replica = 0;
  try {
    const sent = send(events, AbortSignal.timeout(SENDER_TIMEOUT_MS));
    replica = lastReplica;
    const response = await sent;
    const header = response.headers.get('retry-after');
    retryAfter = header === null ? undefined : Number(header);
    await response.arrayBuffer();
    status = String(response.status);
  } catch {}
  const at = performance.now();
  answers.push({ at, status, replica, ...(retryAfter === undefined ? {} : { retryAfter }) });
  if (status.startsWith('2')) attemptsNeeded.push(delivery.attempts);
  else if (status.startsWith('4') && status !== '429') refused.push(delivery);
  else {
    const ownBackoff = status !== '429' && SERVER_ERROR_RETRY_S !== undefined;
    const wait = ownBackoff ? Number(SERVER_ERROR_RETRY_S) : (retryAfter ?? NO_RETRY_AFTER_S);
    queue.push({ ...delivery, readyAt: at + wait * 1000 });
  }
}

/** HubSpot's side: at most SENDER_CONCURRENCY requests at once, the longest-waiting first. */
async function worker() {
  for (;;) {
    const now = performance.now();
    const due = queue.filter((d) => d.readyAt <= now).sort((a, b) => a.readyAt - b.readyAt)[0];
    if (!due) {
      if (queue.length === 0 && inFlight === 0) return;
      const next = Math.min(...queue.map((d) => d.readyAt), now + 20);
      await sleep(Math.max(1, next - now));
      continue;
    }
    queue.splice(queue.indexOf(due), 1);
    inFlight++;
    await attempt(due);
    inFlight--;
  }
}

const requestsBefore = hubspot.requests.length;
const began = performance.now();
const perSecond: number[] = [];
let sampling = true;
const sampler = (async () => {
  let last = requestsBefore;
  while (sampling) {
    await sleep(1000);
    perSecond.push(hubspot.requests.length - last);
    last = hubspot.requests.length;
  }
})();
await Promise.all(Array.from({ length: SENDER_CONCURRENCY }, worker));
const drainS = (performance.now() - began) / 1000;
sampling = false;
await sampler;
for (const service of services) service.kill('SIGTERM');

const made = hubspot.requests.length - requestsBefore;
const rate = LIMIT / (WINDOW_MS / 1000);
const floorMade = made / rate;
const floorMin = (deliveries * minPerDelivery) / rate;
// A rolling window that starts empty lets a full window's worth go at once: the last of N
// requests can start after ⌊(N − 1) ÷ limit⌋ windows, the tighter bound for one burst.
const windowFloor = Math.floor((deliveries * minPerDelivery - 1) / LIMIT) * (WINDOW_MS / 1000);
let lost = 0;
let twins = 0;
for (const id of [...calibration, ...contacts]) {
  const steps = hubspotSteps(hubspot, id).sort();
  if (hasTwin(steps)) twins++;
  else if (steps.join() !== FIRST_STEPS.join()) lost++;
}
const rejected = hubspot.requests.filter((r) => r.status === 429).length;
const overBudget = attemptsNeeded.filter((n) => n > HUBSPOT_ATTEMPTS).length;
const count = (list: readonly (string | number)[]) => {
  const counts: Record<string, number> = {};
  for (const item of list) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
};
const seconds = (s: number) => `${s.toFixed(1)} s`;
const ratio = drainS / floorMin;

// Requests and answers per 5 s: where the gate ran full, where it idled.
const timeline = ['| seconds | CRM requests | answers |', '|---|---:|---|'];
for (let from = 0; from * 5 < perSecond.length; from++) {
  const requests = perSecond.slice(from * 5, from * 5 + 5).reduce((a, b) => a + b, 0);
  const inSlice = answers.filter(
    (a) => a.at - began >= from * 5000 && a.at - began < (from + 1) * 5000,
  );
  timeline.push(
    `| ${from * 5}–${from * 5 + 5} | ${requests} | ${JSON.stringify(count(inSlice.map((a) => a.status)))} |`,
  );
}

// Per replica: what it answered, and the Retry-After (s) it gave shed deliveries.
const perReplica = ['| replica | answers | Retry-After given (s: count) |', '|---|---|---|'];
for (let r = 0; r < REPLICAS; r++) {
  const own = answers.filter((a) => a.replica === r);
  const waits = own.flatMap((a) => (a.retryAfter === undefined ? [] : [a.retryAfter]));
  perReplica.push(
    `| ${r} | ${JSON.stringify(count(own.map((a) => a.status)))} | ${JSON.stringify(count(waits))} |`,
  );
}
// Per 10 s from the first request: how much of the window was used, and the longest idle gap.
const windows: string[] = [];
for (let from = 0; from < perSecond.length; from += 10) {
  windows.push(String(perSecond.slice(from, from + 10).reduce((a, b) => a + b, 0)));
}
let idle = 0;
let longestIdle = 0;
for (const n of perSecond) {
  idle = n === 0 ? idle + 1 : 0;
  longestIdle = Math.max(longestIdle, idle);
}

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const checks = {
  'lost leads': lost,
  'deliveries refused with a 4xx (HubSpot does not redeliver those)': refused.length,
  'leads with twin tasks': twins,
  [`deliveries needing more than HubSpot's ${HUBSPOT_ATTEMPTS} attempts`]: overBudget,
  [`peak CRM requests in a 10 s window over ${LIMIT}`]: Math.max(0, hubspot.peakPerWindow - LIMIT),
  '429 answered by HubSpot': rejected,
};
const failed = Object.values(checks).some((n) => n > 0);
process.stdout.write(`${timeline.join('\n')}

${perReplica.join('\n')}

CRM requests per 10 s from the start: ${windows.join(', ')}; longest run of seconds without a CRM request: ${longestIdle} s

| measure | value |
|---|---|
| leads | ${LEADS} new contacts in ${deliveries} deliveries of ≤ ${EVENTS_PER_REQUEST}, ${SENDER_CONCURRENCY} at a time |
| service | ${REPLICAS} replica(s), CRM_RATE_LIMIT=${LIMIT}, CRM_REPLICAS=${CRM_REPLICAS}, CRM_MAX_CONCURRENCY=${env('CRM_MAX_CONCURRENCY', 'default')}, WEBHOOK_DEADLINE_MS=${env('WEBHOOK_DEADLINE_MS', 'default')}; CRM latency ${LATENCY_MS} ms |
| sender | Retry-After honoured on 429${SERVER_ERROR_RETRY_S === undefined ? ' and 5xx' : `; ${SERVER_ERROR_RETRY_S} s after a 5xx or timeout`}; ${NO_RETRY_AFTER_S} s when none; timeout ${SENDER_TIMEOUT_MS / 1000} s |
| drain time (first delivery to last acknowledgement) | ${seconds(drainS)} |
| CRM requests made | ${made} (${(made / deliveries).toFixed(2)} per delivery; the fewest for 100 leads: ${minPerDelivery}) |
| floor from requests made (${made} ÷ ${rate}/s) | ${seconds(floorMade)}; ratio ${(drainS / floorMade).toFixed(2)} |
| floor from the fewest requests (${deliveries} × ${minPerDelivery} ÷ ${rate}/s) | ${seconds(floorMin)}; ratio ${ratio.toFixed(2)} (target ≤ ${TARGET}: ${ratio <= TARGET ? 'pass' : '**FAIL**'}) |
| rolling-window floor (last of ${deliveries * minPerDelivery} requests starts after ⌊${deliveries * minPerDelivery - 1} ÷ ${LIMIT}⌋ windows) | ${windowFloor > 0 ? `${seconds(windowFloor)}; ratio ${(drainS / windowFloor).toFixed(2)}` : 'none: the burst fits in one window'} |
| answers to the sender | ${JSON.stringify(count(answers.map((a) => a.status)))} |
| attempts per delivery | ${JSON.stringify(count(attemptsNeeded))} |
| peak CRM requests in any 10 s (emulator) | ${hubspot.peakPerWindow} of ${LIMIT} |
${Object.entries(checks)
  .map(([name, n]) => `| ${name} | ${n} |`)
  .join('\n')}

${failed ? 'FAILED: a correctness check did not hold' : 'correctness: every lead has exactly its first tasks, no twin, never over the limit'}
`);
await hubspot.close();
process.exit(failed ? 1 : 0);
