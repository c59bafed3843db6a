import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type CrmConnector, CrmError } from '../../connectors/crm-connector.port.ts';
import { requireAdminToken, requireBearer } from '../http/bearer.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { note } from '../http/request-log.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { FollowUpPipeline } from '../pipeline/follow-up.pipeline.ts';
import { sweep } from '../pipeline/sweep.ts';

export interface ReconcileRoutesOptions {
  /** Unset: the endpoint answers 404 `admin_disabled`. */
  readonly adminToken: string | undefined;
  readonly connector: CrmConnector;
  readonly pipeline: FollowUpPipeline;
  readonly now: () => number;
  readonly metrics: Pick<Metrics, 'sweep'>;
}

const HOUR_MS = 3_600_000;
/** A sweep is a safety net for recent misses; a longer window belongs to a one-off backfill. */
const MAX_WINDOW_DAYS = 31;

const query = z.object({ since: z.iso.datetime({ offset: true }).optional() }).strict();

export async function reconcileRoutes(app: FastifyInstance, options: ReconcileRoutesOptions) {
  const { adminToken, connector, pipeline, now, metrics } = options;

  // Authenticated before anything is read or parsed.
  app.addHook('onRequest', async (request) => {
    requireAdminToken(adminToken, 'POST /reconcile is off: set ADMIN_TOKEN to use it');
    requireBearer(request, adminToken, 'ADMIN_TOKEN');
  });

  app.post('/reconcile', async (request) => {
    const { since } = parseInput(query, request.query, 'query');
    const at = now();
    const from = since === undefined ? at - HOUR_MS : Date.parse(since);
    if (from > at || at - from > MAX_WINDOW_DAYS * 24 * HOUR_MS) {
      throw new HttpError(
        400,
        'invalid_since',
        `since must lie in the last ${MAX_WINDOW_DAYS} days and not in the future`,
      );
    }
    try {
      const totals = await sweep(connector, pipeline, new Date(from), request.log);
      metrics.sweep('ok');
      note(request, totals);
      return totals;
    } catch (error) {
      metrics.sweep(error instanceof CrmError ? error.code : 'internal_error');
      throw error;
    }
  });
}
