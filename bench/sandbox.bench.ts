/**
 * Sandbox benchmark: `POST /sandbox/leads` rate at the start and at the end of a run of N leads
 * (default 20,000), in process through `app.inject`. A CRM that scans every stored task per
 * lead slows down as it fills; one that indexes tasks by lead keeps its rate.
 * Run with `npm run bench:sandbox` (add `-- 5000` for fewer leads; the sandbox holds at most
 * `SANDBOX_MAX_LEADS`, 20,000).
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createSandboxCrm } from '../connectors/sandbox/sandbox.connector.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { SANDBOX_MAX_LEADS } from '../src/routes/sandbox.routes.ts';

const count = Number(process.argv[2] ?? SANDBOX_MAX_LEADS);
if (!(count > 0 && count <= SANDBOX_MAX_LEADS)) {
  throw new Error(`the sandbox holds 1 to ${SANDBOX_MAX_LEADS} leads, not ${process.argv[2]}`);
}
const slice = Math.max(1, Math.floor(count / 10));
const loaded = loadConfig({
  TIMEZONE: 'America/New_York',
  BUSINESS_HOURS: 'Mon-Sun 00:00-24:00',
  LEAD_CONTACT_HOURS: '00:00-24:00',
});
if (!loaded.ok) throw new Error(loaded.message);
const now = () => Date.parse('2026-03-02T15:00:00Z');
const sandbox = createSandboxCrm(now);
const app = await buildApp({
  config: loaded.config,
  connector: sandbox,
  sandbox,
  logger: pino({ level: 'silent' }),
  now,
});

const rates: number[] = [];
let started = performance.now();
for (let i = 1; i <= count; i++) {
  const res = await app.inject({
    method: 'POST',
    url: '/sandbox/leads',
    payload: { name: `Lead ${i}`, phone: '+1 212 555 0100' },
  });
  if (res.statusCode !== 201) throw new Error(`lead ${i}: ${res.statusCode} ${res.body}`);
  if (i % slice === 0) {
    rates.push(slice / ((performance.now() - started) / 1000));
    started = performance.now();
  }
}
await app.close();

const first = rates[0] ?? 0;
const last = rates.at(-1) ?? 0;
const result = {
  leads: count,
  stored: sandbox.listLeads().length,
  leadsPerSecondPerTenth: rates.map((r) => Math.round(r)),
  lastTenthOverFirst: Number((last / first).toFixed(2)),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
