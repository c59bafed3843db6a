import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pino from 'pino';
import { createConnector } from '../../connectors/registry.ts';
import { createSandboxCrm, type SandboxCrm } from '../../connectors/sandbox/sandbox.connector.ts';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { cpuBudget } from '../../src/http/cpu-budget.ts';
import type { LoadMonitor } from '../../src/http/load-monitor.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly sandbox: SandboxCrm;
  readonly config: Config;
  /** Moves the shared clock of the app and the sandbox CRM. */
  setNow(iso: string): void;
}

export function testConfig(env: Record<string, string> = {}): Config {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
}

/** The real app on the real sandbox CRM, with a clock the test controls and silent logs. */
export async function buildTestApp(env: Record<string, string>, startAt: string): Promise<TestApp> {
  let now = Date.parse(startAt);
  const clock = () => now;
  const config = testConfig(env);
  const sandbox = createSandboxCrm(clock);
  const app = await buildApp({
    config,
    connector: sandbox,
    sandbox,
    logger: pino({ level: 'silent' }),
    now: clock,
    // The whole of each second: work done one request after another never spends more, so a
    // test's previews are never refused on a slow machine (tests/preview-budget.test.ts checks
    // the production share with its own clock).
    previewBudget: cpuBudget({ share: 1 }),
  });
  return {
    app,
    sandbox,
    config,
    setNow(iso) {
      now = Date.parse(iso);
    },
  };
}

/**
 * The real app with the connector `config` selects, started as the server starts it, listening
 * on a free local port: CRM tests call it over HTTP, as the CRM does.
 */
export async function serveApp(
  config: Config,
  clock: () => number,
  logger: FastifyBaseLogger = pino({ level: 'silent' }),
  load?: LoadMonitor,
) {
  const metrics = createMetrics({
    crm: config.crm,
    cadence: config.cadence.id,
    dryRun: config.dryRun,
  });
  const chosen = await createConnector(config, clock, metrics.crm(config.crm));
  if (!chosen.ok) throw new Error(chosen.message);
  const report = await chosen.value.start?.();
  // As the server: problems stop start-up, warnings are logged.
  if (report && report.problems.length > 0) {
    throw new Error(`Invalid configuration:\n${report.problems.join('\n')}`);
  }
  for (const warning of report?.warnings ?? []) logger.warn(warning);
  const app = await buildApp({
    config,
    connector: chosen.value.connector,
    gate: chosen.value.gate,
    metrics,
    logger,
    load,
    now: clock,
  });
  app.addHook('onClose', () => chosen.value.connector.close());
  const serviceUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, serviceUrl };
}
