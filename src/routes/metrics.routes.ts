import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { requireBearer } from '../http/bearer.ts';

export interface MetricsRoutesOptions {
  readonly registry: Registry;
  /** Set: scrapes must send `Authorization: Bearer <token>`. */
  readonly token: string | undefined;
}

/** `GET /metrics` in Prometheus' text format. */
export async function metricsRoutes(
  app: FastifyInstance,
  { registry, token }: MetricsRoutesOptions,
) {
  app.get('/metrics', async (request, reply) => {
    if (token !== undefined) requireBearer(request, token, 'METRICS_TOKEN');
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
