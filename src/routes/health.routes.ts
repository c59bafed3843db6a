import type { FastifyInstance } from 'fastify';
import type { CrmConnector } from '../../connectors/crm-connector.port.ts';

export async function healthRoutes(
  app: FastifyInstance,
  { connector }: { connector: CrmConnector },
) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const ready = await connector.isReady().catch((err: unknown) => {
      request.log.warn({ err, connector: connector.name }, 'readiness check failed');
      return false;
    });
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'unavailable', connector: connector.name });
  });
}
