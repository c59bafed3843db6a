import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdminToken, requireBearer } from '../http/bearer.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { decisionView } from '../pipeline/decision-view.ts';
import type { FollowUpPipeline } from '../pipeline/follow-up.pipeline.ts';

export interface DecisionRoutesOptions {
  /** Unset: the endpoint answers 404 `admin_disabled`. */
  readonly adminToken: string | undefined;
  readonly crm: string;
  readonly pipeline: FollowUpPipeline;
}

/** HubSpot's numeric ids, Salesforce's 15/18 characters, the sandbox's `lead-1`. */
const params = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a lead id') });

/**
 * `GET /leads/:id/decision`: "why did this lead get this task?" on production data. It reads
 * the lead and decides as a delivery would, and writes nothing.
 */
export async function decisionRoutes(app: FastifyInstance, options: DecisionRoutesOptions) {
  const { adminToken, crm, pipeline } = options;

  // Authenticated before anything is read or parsed.
  app.addHook('onRequest', async (request) => {
    requireAdminToken(adminToken, 'GET /leads/:id/decision is off: set ADMIN_TOKEN to use it');
    requireBearer(request, adminToken, 'ADMIN_TOKEN');
  });

  app.get('/leads/:id/decision', async (request) => {
    const { id } = parseInput(params, request.params, 'path');
    const explained = await pipeline.explain(id);
    if (!explained) throw new HttpError(404, 'lead_not_found', `No lead ${id} in the CRM`);
    return decisionView(crm, explained);
  });
}
