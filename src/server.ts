import closeWithGrace from 'close-with-grace';
import { createConnector } from '../connectors/registry.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config/config.ts';
import { formatWeeklyHours } from './config/hours.ts';
import { weeklyHoursOf } from './engine/lead-window.ts';
import { createLoadMonitor } from './http/load-monitor.ts';
import { createLogger } from './http/logger.ts';
import { createMetrics } from './observability/metrics.ts';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const { config } = loaded;
const logger = createLogger(config.logLevel, { connector: config.crm });
for (const warning of loaded.warnings) logger.warn(warning);
const metrics = createMetrics({
  crm: config.crm,
  cadence: config.cadence.id,
  dryRun: config.dryRun,
  processMetrics: true,
});

const chosen = await createConnector(config, Date.now, metrics.crm(config.crm));
if (!chosen.ok) {
  logger.fatal(chosen.message);
  process.stderr.write(`Invalid configuration:\n  - CRM: ${chosen.message}\n`);
  process.exit(1);
}
const { connector, sandbox, start, gate } = chosen.value;
if (start) {
  let report: Awaited<ReturnType<typeof start>>;
  try {
    report = await start();
  } catch (err) {
    logger.fatal({ err, crm: connector.name }, 'cannot connect to the CRM');
    process.exit(1);
  }
  // Configured values the CRM does not have (its lead statuses): a configuration error.
  if (report.problems.length > 0) {
    const lines = report.problems.map((p) => `  - ${p}`).join('\n');
    logger.fatal({ crm: connector.name, problems: report.problems }, 'invalid configuration');
    process.stderr.write(`Invalid configuration:\n${lines}\n`);
    process.exit(1);
  }
  for (const warning of report.warnings) logger.warn(warning);
}

const load = createLoadMonitor(config.maxEventLoopDelayMs);
const app = await buildApp({ config, connector, sandbox, logger, gate, metrics, load });

// On SIGTERM/SIGINT: stop accepting, let in-flight webhooks finish, then exit.
closeWithGrace({ delay: 25_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  await app.close();
  await connector.close();
  load.close();
});

const url = await app.listen({ port: config.port, host: config.host });
// Says which clock the cadence runs on: a demo run at night otherwise looks broken.
const hours = formatWeeklyHours(config.businessHours);
const window = formatWeeklyHours(weeklyHoursOf(config.leadContactHours));
logger.info(
  {
    url,
    cadence: config.cadence.id,
    timezone: config.timezone,
    businessHours: hours,
    leadContactHours: window,
    dryRun: config.dryRun,
  },
  `lead follow-up service ready on ${url} (${config.crm} CRM): team hours ${hours} in ${config.timezone}, leads contacted ${window} in their own zone`,
);
