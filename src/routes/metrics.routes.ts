import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { hasBearer } from '../http/bearer.ts';
import { HttpError } from '../http/errors.ts';

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
    if (token !== undefined && !hasBearer(request, token)) {
      throw new HttpError(
        401,
        'invalid_token',
        'A valid Authorization: Bearer <METRICS_TOKEN> is required',
      );
    }
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
