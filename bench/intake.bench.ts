/**
 * Intake benchmark: how many new-contact events per second the real service (`node
 * src/server.ts`, CRM=hubspot) turns into tasks, and how much latency it adds over a floor, a
 * bare receiver that only checks the signature and makes one CRM call
 * (`bench/intake-floor.ts`). Both are processes of their own; the HubSpot emulator
 * (`bench/intake-emulator.ts`, a worker thread) answers every request `INTAKE_LATENCY_MS` late,
 * with no rate limit on either side. Every event names a contact that exists and has no task
 * yet (the floor, which writes nothing, re-reads a fixed set), and every request carries a
 * fresh v3 signature.
 *
 * Phases (`bench/intake-load.ts`): a warm-up per receiver; sequential probes (CRM requests and
 * sequential round trips per delivery, idle latency with the emulator at 50 ms and at 0 ms);
 * closed-loop throughput with autocannon at each connection count, 100-event deliveries; then
 * a fixed request rate, with a steady open-loop sender and with autocannon's `overallRate`.
 * Exits 1 when a delivery failed (non-2xx, error, timeout) or a new contact got no task.
 *
 *   node bench/intake.bench.ts                                # 20 s per phase, ~4 minutes
 *   INTAKE_SECONDS=5 INTAKE_CONNECTIONS=10,50 node bench/intake.bench.ts
 *
 * Other knobs: INTAKE_WARMUP_SECONDS (5), INTAKE_RATE (500 requests/s), INTAKE_RATE_BATCH (1
 * event a request), INTAKE_LATENCY_MS (50), INTAKE_PROBES (30 sequential deliveries a probe);
 * INTAKE_CONNECTIONS= (empty) skips the throughput phases. INTAKE_FLOOR=same-requests makes the
 * floor send the service's CRM requests for new contacts (see bench/intake-floor.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { freePort, PUBLIC_URL, ready, startService } from './bench-kit.ts';
import { type ContactPool, contactPool, type Emulator, startEmulator } from './intake-emulator.ts';
import {
  cannon,
  closeSockets,
  type Load,
  measured,
  type Probe,
  probe,
  rssMb,
  SECRET,
  steady,
  type Target,
} from './intake-load.ts';
import { type Row, report, type Settings } from './intake-report.ts';

const numberFrom = (name: string, fallback: number) => Number(process.env[name] || fallback);
const settings: Settings = {
  seconds: numberFrom('INTAKE_SECONDS', 20),
  warmUpSeconds: numberFrom('INTAKE_WARMUP_SECONDS', 5),
  latencyMs: numberFrom('INTAKE_LATENCY_MS', 50),
  batch: 100,
  rate: numberFrom('INTAKE_RATE', 500),
  rateBatch: numberFrom('INTAKE_RATE_BATCH', 1),
  probes: numberFrom('INTAKE_PROBES', 30),
};
const CONNECTIONS = (process.env.INTAKE_CONNECTIONS ?? '10,50,100')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
/** Fresh contacts seeded before each service phase: enough for this many events a second. */
const SEEDED_EVENTS_PER_SECOND = 15_000;
const REFILL = 10_000;

/** A receiver that must not outlive the bench, even one that fails midway. */
function owned(child: ChildProcess): ChildProcess {
  process.on('exit', () => child.kill('SIGTERM'));
  return child;
}

async function startTargets(emulator: Emulator, pool: ContactPool) {
  const crm = {
    HUBSPOT_API_BASE_URL: emulator.url,
    HUBSPOT_ACCESS_TOKEN: emulator.token,
    HUBSPOT_CLIENT_SECRET: SECRET,
    PUBLIC_URL,
  };
  const [servicePort, floorPort] = [await freePort(), await freePort()];
  const env = { ...crm, CRM: 'hubspot', CRM_RATE_LIMIT: '0', CRM_MAX_CONCURRENCY: '0' };
  const service = owned(startService(servicePort, env));
  const floor = owned(
    spawn(process.execPath, ['bench/intake-floor.ts'], {
      env: { ...process.env, ...crm, PORT: String(floorPort) },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  await Promise.all([ready(servicePort), ready(floorPort)]);
  // The default floor writes nothing, so it may read the same contacts over and over; the
  // floor making the service's requests writes their tasks, so it gets new contacts too.
  const reread = pool.take(10_000);
  let cursor = 0;
  const rereads = (n: number) =>
    Array.from({ length: n }, () => reread[cursor++ % reread.length] ?? 0);
  const targets: Target[] = [
    { name: 'service', port: servicePort, pid: service.pid, ids: pool.take },
    {
      name: 'floor',
      port: floorPort,
      pid: floor.pid,
      ids: process.env.INTAKE_FLOOR === 'same-requests' ? pool.take : rereads,
    },
  ];
  return { targets, children: [service, floor] };
}

const startLoad = loadavg();
const emulator = await startEmulator(settings.latencyMs);
const pool = contactPool(emulator, REFILL);
await pool.topUp(20_000);
const { targets, children } = await startTargets(emulator, pool);
const [service, floor] = targets as [Target, Target];
const rows: Row[] = [];

/** One measured phase; `events` is how many fresh contacts the service may use in it. */
async function run(
  target: Target,
  label: string,
  shape: { batch: number; events: number },
  work: () => Promise<Load>,
) {
  if (target === service) await pool.topUp(shape.events + REFILL);
  const { result, phase } = await measured(emulator, target, work);
  const { batch } = shape;
  const row = { target, label, batch, load: result, phase };
  rows.push(row);
  process.stderr.write(
    `${target.name} ${label}: ${Math.round(result.perSecond * batch)} events/s\n`,
  );
  return row;
}

const { seconds, batch, rate, rateBatch } = settings;
const saturating = (s: number) => ({ batch, events: s * SEEDED_EVENTS_PER_SECOND });
const rated = { batch: rateBatch, events: rate * rateBatch * (seconds + 2) };

for (const target of targets) {
  const options = { connections: 10, seconds: settings.warmUpSeconds, batch };
  await run(target, 'warm-up', saturating(settings.warmUpSeconds), () => cannon(target, options));
}
const probes = new Map<Target, { slow: Probe; idle: Probe }>();
for (const target of targets) {
  if (target === service) await pool.topUp(settings.probes * 2 + 6 + REFILL);
  const slow = await probe(emulator, target, settings.latencyMs, settings.probes);
  probes.set(target, { slow, idle: await probe(emulator, target, 0, settings.probes) });
}
await emulator.call({ op: 'latency', ms: settings.latencyMs });
const throughput: Row[] = [];
for (const connections of CONNECTIONS) {
  for (const target of targets) {
    const work = () => cannon(target, { connections, seconds, batch });
    throughput.push(await run(target, `${connections} connections`, saturating(seconds), work));
  }
}
const fixed: Row[] = [];
for (const target of targets) {
  const work = () => steady(target, { rate, batch: rateBatch, seconds });
  fixed.push(await run(target, 'steady', rated, work));
}
for (const target of targets) {
  const options = {
    connections: Math.ceil(rate / 2),
    seconds,
    batch: rateBatch,
    overallRate: rate,
  };
  fixed.push(await run(target, 'autocannon', rated, () => cannon(target, options)));
}

const rss = { service: rssMb(service.pid), floor: rssMb(floor.pid) };
const results = {
  startLoad,
  service,
  floor,
  probes,
  throughput,
  fixed,
  rows,
  contacts: pool.counts,
  rss,
};
process.stdout.write(`${report(settings, results)}\n`);

for (const child of children) child.kill('SIGTERM');
await emulator.close();
closeSockets();
const failed = rows.some((r) => r.load.failed > 0);
const taskless = rows.some((r) => r.target === service && r.load.created < r.load.ok * r.batch);
process.exit(failed || taskless || pool.counts.missing > 0 ? 1 : 0);
