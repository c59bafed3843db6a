import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { CrmConnector } from '../connectors/crm-connector.port.ts';
import { watchedContactProperties } from '../connectors/hubspot/hubspot.mapping.ts';
import type { RequestGate } from '../connectors/request-gate.ts';
import type { SandboxCrm } from '../connectors/sandbox/sandbox.connector.ts';
import type { Config } from './config/config.ts';
import { scheduleFrom } from './config/schedule.ts';
import { type CpuBudget, cpuBudget } from './http/cpu-budget.ts';
import { clientErrors, frameworkErrors, registerErrorHandling } from './http/errors.ts';
import type { LoadMonitor } from './http/load-monitor.ts';
import { RequestLog, requestIdOf } from './http/request-log.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createFollowUpPipeline } from './pipeline/follow-up.pipeline.ts';
import { cadenceRoutes } from './routes/cadence.routes.ts';
import { decisionRoutes } from './routes/decision.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { hubspotWebhookRoutes } from './routes/hubspot-webhook.routes.ts';
import { metricsRoutes } from './routes/metrics.routes.ts';
import { reconcileRoutes } from './routes/reconcile.routes.ts';
import { reportsRoutes } from './routes/reports.routes.ts';
import { salesforceWebhookRoutes } from './routes/salesforce-webhook.routes.ts';
import { sandboxRoutes } from './routes/sandbox.routes.ts';

export interface AppDeps {
  readonly config: Config;
  readonly connector: CrmConnector;
  /** The embedded CRM, when it is the connector: mounts the `/sandbox` routes. */
  readonly sandbox?: SandboxCrm | undefined;
  readonly logger: FastifyBaseLogger;
  /** The CRM's client-side rate limit, for shedding load before it queues without bound. */
  readonly gate?: RequestGate | undefined;
  /**
   * The instance's metrics; the connector reports to the same ones (see `createConnector`).
   * Without them the app makes its own, without the connector's or the process's.
   */
  readonly metrics?: Metrics | undefined;
  /** The process's event-loop delay, for shedding when the CPU is saturated. */
  readonly load?: LoadMonitor | undefined;
  /** Epoch milliseconds; tests pass a fixed clock. */
  readonly now?: () => number;
  /** The share of the process's time the open cadence previews may take (a quarter). */
  readonly previewBudget?: CpuBudget | undefined;
}

/**
 * Bodies larger than this are refused with 413 before they are parsed, on every route but the
 * webhooks (`WEBHOOK_BODY_LIMIT_BYTES`): their bodies are a few fields, and a public route
 * (`POST /cadence/preview`) should not parse a megabyte for anyone who asks.
 */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** How often Node looks for requests past their headers or request timeout. */
const CONNECTIONS_CHECK_MS = 1000;

/** Builds the service from explicit dependencies; never listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, connector, sandbox, logger, gate } = deps;
  const metrics =
    deps.metrics ??
    createMetrics({ crm: connector.name, cadence: config.cadence.id, dryRun: config.dryRun });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // The client's X-Request-Id is used only when it is a short plain id (see `requestIdOf`).
    requestIdHeader: false,
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    // A client that drips its headers or body is cut off (408) instead of holding a socket.
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      // Node checks the two timeouts above this often (30 s by default).
      connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
    },
    return503OnClosing: true,
    // One line per request, with what the route did.
    logController: new RequestLog(metrics),
    frameworkErrors,
    clientErrorHandler: clientErrors(logger),
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Answered before the body was read (refused at the door): closing the connection leaves
    // the rest unread, where keep-alive would read and discard up to 1 MiB.
    if (!request.raw.complete) reply.header('connection', 'close');
  });
  if (gate) metrics.watchGate(connector.name, gate);
  registerErrorHandling(app);
  // Every endpoint takes JSON; a text body gets 415 instead of a confusing validation error.
  app.removeContentTypeParser('text/plain');

  const now = deps.now ?? Date.now;
  const schedule = scheduleFrom(config);
  const pipeline = createFollowUpPipeline({
    connector,
    cadence: config.cadence,
    schedule,
    callingRules: config.callingRules,
    now,
    dryRun: config.dryRun,
    metrics,
  });

  const deadline = {
    deadlineMs: config.webhookDeadlineMs,
    gate,
    requests: connector.typicalRequests,
    load: deps.load,
  };

  await app.register(healthRoutes, { connector, gate });
  await app.register(metricsRoutes, { registry: metrics.registry, token: config.metricsToken });
  await app.register(cadenceRoutes, {
    cadence: config.cadence,
    schedule,
    callingRules: config.callingRules,
    now,
    budget: deps.previewBudget ?? cpuBudget(),
  });
  if (sandbox) await app.register(sandboxRoutes, { sandbox, pipeline, now });
  await app.register(reconcileRoutes, {
    adminToken: config.adminToken,
    connector,
    pipeline,
    now,
    metrics,
  });
  await app.register(decisionRoutes, {
    adminToken: config.adminToken,
    crm: connector.name,
    pipeline,
  });
  await app.register(reportsRoutes, {
    adminToken: config.adminToken,
    connector,
    cadence: config.cadence,
    now,
    timeoutMs: config.reportTimeoutMs,
  });
  if (config.hubspot && config.publicUrl) {
    await app.register(hubspotWebhookRoutes, {
      clientSecret: config.hubspot.clientSecret,
      legacySignatures: config.hubspot.legacySignatures,
      publicUrl: config.publicUrl,
      watchedProperties: new Set(watchedContactProperties(config.hubspot.doNotCallProperty)),
      connector,
      pipeline,
      now,
      deadline,
    });
  }
  if (config.salesforce) {
    await app.register(salesforceWebhookRoutes, {
      orgId: config.salesforce.orgId,
      webhookToken: config.salesforce.webhookToken,
      outboundToken: config.salesforce.outboundToken,
      connector,
      pipeline,
      deadline,
    });
  }
  return app;
}
