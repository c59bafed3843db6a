import type { FastifyRequest } from 'fastify';
import type { CrmConnector, CrmError } from '../../connectors/crm-connector.port.ts';
import { type DeadlineOptions, withinDeadline } from '../http/deadline.ts';
import { type EventCounts, note, noteDelivery } from '../http/request-log.ts';
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

export interface DeliveryInfo {
  readonly source: 'hubspot' | 'salesforce';
  /** The delivery's events by type, for the metrics. */
  readonly events: EventCounts;
  /** The CRM's canonical form of a lead id. */
  readonly normalizeId?: (id: string) => string;
}

/** Lead ids logged per delivery: enough to find a lead's delivery, not a wall of ids. */
const LOGGED_IDS = 100;

/**
 * A webhook's work, the same for every CRM: the leads it names and the leads of the records it
 * names, re-decided within the deadline. Returns the totals, and the first lead the CRM
 * refused: the route answers that refusal after everything else is written. The delivery's
 * lead ids and totals go on its log line.
 */
export async function handleDelivery(
  request: FastifyRequest,
  { connector, pipeline, deadline }: DeliveryOptions,
  plan: LeadsToDecide,
  { source, events, normalizeId = (id) => id }: DeliveryInfo,
): Promise<{ totals: DeliveryTotals; refused: CrmError | undefined }> {
  noteDelivery(request, source, events);
  const outcomes = await withinDeadline(request, deadline, async () => {
    const fromActivities =
      plan.activities.length > 0 ? await connector.leadsOfActivities(plan.activities) : [];
    const ids = [...new Set([...plan.leadIds, ...fromActivities].map(normalizeId))];
    note(request, { leadIds: ids.slice(0, LOGGED_IDS) });
    return ids.length > 0 ? await pipeline.reconcile(ids, request.log) : [];
  });
  const totals = totalsOf(outcomes);
  note(request, totals);
  return { totals, refused: firstRefusal(outcomes) };
}
