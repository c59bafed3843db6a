import type { FastifyInstance } from 'fastify';
import type { CrmConnector } from '../../connectors/crm-connector.port.ts';
import type { RequestGate } from '../../connectors/request-gate.ts';

export async function healthRoutes(
  app: FastifyInstance,
  { connector, gate }: { connector: CrmConnector; gate?: RequestGate | undefined },
) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const daily = gate?.daily?.status();
    // Past the daily budget the service takes no deliveries: not ready, and it says why. After
    // a refusal it does not even ask the CRM until the cool-down ends.
    const paused = daily?.state === 'paused' || daily?.state === 'exhausted';
    const ready =
      daily?.state !== 'exhausted' &&
      (await connector.isReady().catch((err: unknown) => {
        request.log.warn({ err, connector: connector.name }, 'readiness check failed');
        return false;
      }));
    if (paused) {
      if (daily.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(daily.retryAfterSeconds));
      }
      return reply.code(503).send({ status: 'daily_budget', connector: connector.name, daily });
    }
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'unavailable', connector: connector.name });
  });
}
