/** The intake benchmark's markdown report, in the shape of `bench/RESULTS.md`. */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { Load, Phase, Probe, Target } from './intake-load.ts';

export interface Settings {
  readonly seconds: number;
  readonly warmUpSeconds: number;
  readonly latencyMs: number;
  /** Events per delivery in the throughput phases. */
  readonly batch: number;
  readonly rate: number;
  /** Events per delivery in the fixed-rate phases. */
  readonly rateBatch: number;
  readonly probes: number;
}

export interface Row {
  readonly target: Target;
  readonly label: string;
  readonly batch: number;
  readonly load: Load;
  readonly phase: Phase;
}

export interface Results {
  readonly startLoad: readonly number[];
  readonly service: Target;
  readonly floor: Target;
  readonly probes: ReadonlyMap<Target, { readonly slow: Probe; readonly idle: Probe }>;
  readonly throughput: readonly Row[];
  readonly fixed: readonly Row[];
  /** Every phase, warm-up included. */
  readonly rows: readonly Row[];
  readonly contacts: { readonly refills: number; readonly missing: number };
  readonly rss: { readonly service: number; readonly floor: number };
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';
const ms = (n: number) => `${fmt(n, Math.abs(n) < 100 ? 1 : 0)} ms`;
const loads = (values: readonly number[]) => values.map((l) => l.toFixed(2)).join(' / ');

const failedCell = (load: Load) =>
  load.failed === 0
    ? '0'
    : `${load.failed} (${Object.entries(load.failures)
        .map(([kind, n]) => `${kind}: ${n}`)
        .join(', ')})`;

/** Sequential round trips: what the emulator's latency adds to an idle delivery, in trips. */
function roundTrips(s: Settings, r: Results, target: Target) {
  const p = r.probes.get(target);
  const added = p ? p.slow.medianMs - p.idle.medianMs : Number.NaN;
  const trips = Math.round(added / s.latencyMs);
  return { added, trips, perTrip: added / trips };
}

/** What the service's extra sequential round trips cost at idle (service minus floor). */
const extraTrips = (s: Settings, r: Results) =>
  roundTrips(s, r, r.service).added - roundTrips(s, r, r.floor).added;

const latencyOf = (rows: readonly Row[], label: string, target: Target) =>
  rows.find((row) => row.label === label && row.target === target)?.load.latency;

/** The commit measured, marked when the working tree differs from it. */
function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain') ? ' with local changes' : '';
    return `${git('rev-parse', '--short', 'HEAD')}${changed}`;
  } catch {
    return 'an unknown revision';
  }
}

function heading(s: Settings, r: Results) {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `## Intake (\`npm run bench:intake\`, \`bench/intake.bench.ts\`)

Run of ${new Date().toISOString().slice(0, 16)}Z at ${revision()}: Node ${process.version}, ${availableParallelism()} cores (${model}), load average at start ${loads(r.startLoad)}. ${s.seconds} s per phase after ${s.warmUpSeconds} s of warm-up per receiver. HubSpot emulator answering every request ${s.latencyMs} ms late; service with \`CRM_RATE_LIMIT=0\`, \`CRM_MAX_CONCURRENCY=0\`, \`LOG_LEVEL=warn\`, business and contact hours 24/7. Load generator, emulator (worker thread), service and floor share the machine's cores: figures move with other load on it.`;
}

function verdict(s: Settings, r: Results) {
  const best = r.throughput
    .filter((row) => row.target === r.service)
    .sort((a, b) => b.load.perSecond - a.load.perSecond)[0];
  const events = best ? best.load.perSecond * best.batch : Number.NaN;
  const service = latencyOf(r.fixed, 'steady', r.service);
  const floor = latencyOf(r.fixed, 'steady', r.floor);
  const raw = service && floor ? service.p99 - floor.p99 : Number.NaN;
  const beyond = raw - extraTrips(s, r);
  const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
  return `### Against the targets

- Throughput, ${s.batch}-event deliveries: at best ${fmt(events)} events/s (${best?.label ?? '—'}); target at least 5,000: ${met(events >= 5000)}.
- Added p99 over the floor at ${s.rate} requests/s of ${s.rateBatch}-event deliveries (steady sender): ${ms(raw)} raw, ${ms(beyond)} beyond the service's extra CRM round trips; target at most 5 ms: ${met(beyond <= 5)}.`;
}

function probeTable(s: Settings, r: Results) {
  const line = (target: Target) => {
    const p = r.probes.get(target);
    const trips = roundTrips(s, r, target);
    return `| ${target.name} | ${fmt(p?.slow.requests ?? 0, 1)} | ${trips.trips} | ${ms(p?.slow.medianMs ?? Number.NaN)} | ${ms(p?.idle.medianMs ?? Number.NaN)} | ${ms(trips.perTrip)} |`;
  };
  const calls = Object.entries(r.probes.get(r.service)?.slow.perDelivery ?? {})
    .map(([path, n]) => `\`${path}\` × ${fmt(n, 1)}`)
    .join(', ');
  return `### Sequential probes: one 1-event delivery at a time, ${s.probes} each, medians

| receiver | CRM requests per delivery | sequential CRM round trips | latency, CRM at ${s.latencyMs} ms | latency, CRM at 0 ms | cost of one round trip |
|---|---:|---:|---:|---:|---:|
${line(r.service)}
${line(r.floor)}

Service's CRM requests per new-contact delivery: ${calls}.`;
}

function cpuCells(row: Row) {
  const perDelivery = row.phase.cpuMs / row.phase.handled;
  return {
    perDelivery: ms(perDelivery),
    perEvent: `${fmt((perDelivery * 1000) / row.batch)} µs`,
    cores: fmt(row.phase.cpuMs / row.phase.wallMs, 2),
  };
}

function throughputTable(s: Settings, r: Results) {
  const lines = r.throughput.map((row) => {
    const { load } = row;
    const cpu = cpuCells(row);
    const tasks = row.target === r.service ? fmt(load.created / (load.ok * row.batch), 2) : '—';
    return `| ${row.target.name} | ${row.label.split(' ')[0]} | ${fmt(load.perSecond, 1)} | ${fmt(load.perSecond * row.batch)} | ${ms(load.latency.p50)} | ${ms(load.latency.p99)} | ${tasks} | ${cpu.perDelivery} | ${cpu.perEvent} | ${cpu.cores} | ${fmt(row.phase.benchCpu, 2)} | ${failedCell(load)} |`;
  });
  return `### Throughput: closed loop (autocannon), ${s.batch}-event deliveries

| receiver | connections | requests/s | events/s | p50 | p99 | tasks per event | receiver CPU per delivery | per event | receiver cores used | bench cores used | failed |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}`;
}

function fixedTable(s: Settings, r: Results) {
  const lines = r.fixed.map((row) => {
    const { load } = row;
    const cpu = cpuCells(row);
    return `| ${row.label} | ${row.target.name} | ${fmt(load.perSecond, 1)} | ${fmt(load.perSecond * row.batch)} | ${ms(load.latency.p50)} | ${ms(load.latency.p90)} | ${ms(load.latency.p99)} | ${ms(load.latency.max)} | ${cpu.perDelivery} | ${cpu.cores} | ${fmt(row.phase.benchCpu, 2)} | ${failedCell(load)} |`;
  });
  const lag = Math.max(...r.fixed.map((row) => row.load.lag ?? 0));
  return `### Fixed rate: ${s.rate} requests/s of ${s.rateBatch}-event deliveries

\`steady\`: our open-loop sender, one request every ${fmt(1000 / s.rate, 1)} ms, latency counted from the planned send time (largest send lag: ${ms(lag)}). \`autocannon\`: \`overallRate: ${s.rate}\` over ${Math.ceil(s.rate / 2)} connections, which sends each connection's quota at the start of every second, i.e. in bursts.

| sender | receiver | requests/s | events/s | p50 | p90 | p99 | max | receiver CPU per delivery | receiver cores used | bench cores used | failed |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}`;
}

function addedTable(s: Settings, r: Results) {
  const trips = extraTrips(s, r);
  const extra = roundTrips(s, r, r.service).trips - roundTrips(s, r, r.floor).trips;
  const lines = ['steady', 'autocannon'].flatMap((label) => {
    const service = latencyOf(r.fixed, label, r.service);
    const floor = latencyOf(r.fixed, label, r.floor);
    if (!service || !floor) return [];
    return (['p50', 'p90', 'p99'] as const).map((q) => {
      const raw = service[q] - floor[q];
      return `| ${label} | ${q} | ${ms(service[q])} | ${ms(floor[q])} | ${ms(raw)} | ${ms(raw - trips)} |`;
    });
  });
  const idle = (t: Target) => r.probes.get(t)?.idle.medianMs ?? Number.NaN;
  return `### Added latency at ${s.rate} requests/s (service − floor)

The service makes ${extra} more sequential CRM round trips per delivery than the floor; at idle they cost ${ms(trips)} (probes: CRM at ${s.latencyMs} ms minus CRM at 0 ms, service minus floor). "Beyond the round trips" subtracts that from the raw difference: the service's own processing and queueing. At idle with a 0 ms CRM the service takes ${ms(idle(r.service) - idle(r.floor))} more than the floor.

| sender | percentile | service | floor | raw added | beyond the round trips |
|---|---|---:|---:|---:|---:|
${lines.join('\n')}`;
}

function footer(r: Results) {
  const sum = (of: (row: Row) => number) => r.rows.reduce((total, row) => total + of(row), 0);
  return `- RSS at the end: service ${r.rss.service} MB, floor ${r.rss.floor} MB.
- Failed deliveries (non-2xx, errors, timeouts) over every phase, warm-up included: ${sum((row) => row.load.failed)}; CRM answers other than 2xx: ${sum((row) => row.phase.crm.failed)}.
- Tasks the service closed (twins of a concurrent writer; none expected): ${sum((row) => row.load.closed)}.
- Contacts seeded during a phase: ${r.contacts.refills} top-ups; events sent without a fresh contact: ${r.contacts.missing}.
- Load average at the end: ${loads(loadavg())}.`;
}

export function report(settings: Settings, results: Results): string {
  return [heading, verdict, probeTable, throughputTable, fixedTable, addedTable]
    .map((section) => section(settings, results))
    .concat(footer(results))
    .join('\n\n');
}
