import type { FastifyRequest } from 'fastify';
import type { CrmConnector, CrmError } from '../../connectors/crm-connector.port.ts';
import { type DeadlineOptions, withinDeadline } from '../http/deadline.ts';
import {
  type DeliveryTotals,
  type FollowUpPipeline,
  firstRefusal,
  totalsOf,
} from '../pipeline/follow-up.pipeline.ts';
import type { LeadsToDecide } from '../webhooks/delivery-plan.ts';

export interface DeliveryOptions {
  readonly connector: CrmConnector;
  readonly pipeline: FollowUpPipeline;
  readonly deadline: DeadlineOptions;
}

/**
 * A webhook's work, the same for every CRM: the leads it names and the leads of the records it
 * names, re-decided within the deadline. Returns the totals, and the first lead the CRM
 * refused: the route logs what was done, then answers that refusal.
 */
export async function handleDelivery(
  request: FastifyRequest,
  { connector, pipeline, deadline }: DeliveryOptions,
  plan: LeadsToDecide,
  normalizeId: (id: string) => string = (id) => id,
): Promise<{ totals: DeliveryTotals; refused: CrmError | undefined }> {
  const outcomes = await withinDeadline(request, deadline, async () => {
    const fromActivities =
      plan.activities.length > 0 ? await connector.leadsOfActivities(plan.activities) : [];
    const ids = [...plan.leadIds, ...fromActivities].map(normalizeId);
    return ids.length > 0 ? await pipeline.reconcile(ids, request.log) : [];
  });
  return { totals: totalsOf(outcomes), refused: firstRefusal(outcomes) };
}
