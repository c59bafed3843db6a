/**
 * Hostile-intake benchmark: does `/healthz` stay fast while every public route is attacked?
 * The real service (`node src/server.ts`, logging at info as in production) runs once with
 * CRM=hubspot and once with CRM=salesforce, each against its emulator. For each: `/healthz` is
 * probed alone for a baseline, then again while HOSTILE_CLIENTS clients (20) each send the
 * worst inputs we know (`bench/hostile-inputs.ts`: 1 MiB bodies unsigned, with replayable or
 * stale signatures, from another org without a token, the masking worst case in URLs and
 * quoted by the XML validator, huge request ids, wrong admin tokens…) in turn, and each keeps
 * HOSTILE_SLOW_SOCKETS (5) sockets dripping their headers a byte at a time (slowloris). The
 * prober is a worker thread (`bench/hostile-probe.ts`). Everything stops by itself after
 * HOSTILE_SECONDS (20) per CRM. HOSTILE_INSIDER=1 adds what only a holder of a credential can
 * send (a 1 MiB outbound message whose XML error quotes a 1 MiB tag name, with the URL token).
 * Exits 1 when the service answered a 5xx or the hostile p99 of
 * `/healthz` passed 50 ms.
 *
 *   npm run bench:hostile                    # about a minute
 *   HOSTILE_SECONDS=5 npm run bench:hostile
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { startHubSpotEmulator } from '../tests/emulators/hubspot-emulator.ts';
import { startSalesforceEmulator } from '../tests/emulators/salesforce-emulator.ts';
import { freePort, PUBLIC_URL, ready, startService } from './bench-kit.ts';
import { type Attack, attack } from './hostile-attack.ts';
import {
  ADMIN_TOKEN,
  HUBSPOT_SECRET,
  hostileInputs,
  METRICS_TOKEN,
  OUTBOUND_TOKEN,
  WEBHOOK_TOKEN,
} from './hostile-inputs.ts';

const numberFrom = (name: string, fallback: number) => Number(process.env[name] || fallback);
const SECONDS = numberFrom('HOSTILE_SECONDS', 20);
const CLIENTS = numberFrom('HOSTILE_CLIENTS', 20);
const SLOW_SOCKETS = numberFrom('HOSTILE_SLOW_SOCKETS', 5);
const BASELINE_SECONDS = 5;
const PROBE_INTERVAL_MS = 20;
const TARGET_P99_MS = 50;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

/** `/healthz` latencies while `work` runs (or for `seconds` when there is none). */
async function probed(port: number, work: () => Promise<Attack | undefined>) {
  const worker = new Worker(new URL('./hostile-probe.ts', import.meta.url), {
    workerData: { url: `http://127.0.0.1:${port}/healthz`, intervalMs: PROBE_INTERVAL_MS },
  });
  const result = await work();
  worker.postMessage('stop');
  const [{ latencies, failures }] = (await once(worker, 'message')) as [
    { latencies: number[]; failures: number },
  ];
  await worker.terminate();
  const sorted = latencies.sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v * 10) / 10;
  return {
    probes: sorted.length,
    failures,
    p50: ms(percentile(sorted, 50)),
    p99: ms(percentile(sorted, 99)),
    max: ms(sorted.at(-1) ?? Number.NaN),
    attack: result,
  };
}

/** The bench's report goes to stdout, one line at a time. */
const print = (line: string) => process.stdout.write(`${line}\n`);

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

const hubspot = await startHubSpotEmulator();
const salesforce = await startSalesforceEmulator();
const common = { LOG_LEVEL: 'info', ADMIN_TOKEN, METRICS_TOKEN, CRM_RATE_LIMIT: '0' };
const services = {
  hubspot: {
    CRM: 'hubspot',
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
    HUBSPOT_API_BASE_URL: hubspot.url,
    PUBLIC_URL,
  },
  salesforce: {
    CRM: 'salesforce',
    SALESFORCE_INSTANCE_URL: salesforce.url,
    SALESFORCE_ACCESS_TOKEN: salesforce.accessToken,
    SALESFORCE_ORG_ID: salesforce.orgId,
    SALESFORCE_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
    SALESFORCE_OUTBOUND_TOKEN: OUTBOUND_TOKEN,
  },
};
const inputs = hostileInputs(process.env.HOSTILE_INSIDER === '1');
print(`# Hostile intake, ${new Date().toISOString()}, Node ${process.version}`);
print(`load before: ${uptime()}`);
print(
  `${CLIENTS} clients x ${inputs.length} hostile requests (insider ${process.env.HOSTILE_INSIDER === '1'}) in turn + ${SLOW_SOCKETS} slowloris sockets each, ${SECONDS} s per CRM\n`,
);
let failed = false;
for (const [crm, env] of Object.entries(services)) {
  const port = await freePort();
  // Its log lines are written (masking and all, as in production) to a file, kept for a look.
  const logFile = join(tmpdir(), `hostile-${crm}.log`);
  const log = openSync(logFile, 'w');
  const service = startService(port, { ...common, ...env }, log);
  let exited = '';
  service.once('exit', (code, signal) => {
    exited = `the service exited (${signal ?? code}) during the run`;
  });
  try {
    await ready(port);
    const baseline = await probed(port, async () => {
      await sleep(BASELINE_SECONDS * 1000);
      return undefined;
    });
    const until = performance.now() + SECONDS * 1000;
    const hostile = await probed(port, () =>
      attack(port, inputs, { clients: CLIENTS, slowSockets: SLOW_SOCKETS, until }),
    );
    const crmCalls = crm === 'hubspot' ? hubspot.requests.length : salesforce.requests.length;
    print(`## CRM=${crm}`);
    print(
      '| /healthz | probes | failed | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|',
    );
    for (const [name, r] of [
      ['alone', baseline],
      ['under attack', hostile],
    ] as const) {
      print(`| ${name} | ${r.probes} | ${r.failures} | ${r.p50} | ${r.p99} | ${r.max} |`);
    }
    const a = hostile.attack as Attack;
    print(`\n| hostile request | answers (status: count) |\n|---|---|`);
    for (const [name, statuses] of a.statuses) {
      const text = [...statuses].map(([s, n]) => `${s}: ${n}`).join(', ');
      print(`| ${name} | ${text} |`);
    }
    print(
      `\nslowloris: ${a.slowOpened} sockets opened, ${a.slowCut} cut off by the service (408) before the end; CRM calls recorded by the emulator: ${crmCalls}\n`,
    );
    if (exited) print(`**${exited}; see ${logFile}**\n`);
    if (exited || a.serverErrors > 0 || hostile.p99 > TARGET_P99_MS || hostile.failures > 0)
      failed = true;
  } finally {
    if (!exited) {
      service.kill('SIGTERM');
      await once(service, 'exit');
    }
    closeSync(log);
  }
}
print(`load after: ${uptime()}`);
await hubspot.close();
await salesforce.close();
process.exit(failed ? 1 : 0);
