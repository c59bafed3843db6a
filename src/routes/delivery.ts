import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CrmConnector } from '../../connectors/crm-connector.port.ts';
import { type DeadlineOptions, shedIfOverloaded, withinDeadline } from '../http/deadline.ts';
import { keepBodiesRaw } from '../http/raw-body.ts';
import { countAsDeliveries, type EventCounts, note, noteDelivery } from '../http/request-log.ts';
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

/** How a webhook route authenticates its requests, in two steps around reading the body. */
export interface Intake {
  /**
   * Checks what the request line and headers carry (a token, a signature's headers) before the
   * body is read: throws the refusal.
   */
  authenticate(request: FastifyRequest): void;
  /** Checks what needs the raw body (a signature over it), before anything parses it. */
  verifyBody?(request: FastifyRequest): void;
}

/**
 * What every webhook plugin sets up first, in the intake order: every request counted as a
 * delivery from `source` (refused ones included); authenticated (before the body is read when
 * the credentials are in the headers or URL); shed with 429 while the process is overloaded;
 * only then parsed by the route, from the raw bytes (signatures and SOAP need them as sent).
 */
export function webhookScope(
  app: FastifyInstance,
  source: 'hubspot' | 'salesforce',
  { deadline }: Pick<DeliveryOptions, 'deadline'>,
  intake: Intake,
): void {
  keepBodiesRaw(app);
  countAsDeliveries(app, source);
  app.addHook('onRequest', async (request) => intake.authenticate(request));
  const shed = async (request: FastifyRequest) => shedIfOverloaded(request, deadline.load);
  if (intake.verifyBody) {
    const verify = intake.verifyBody;
    app.addHook('preValidation', async (request) => verify(request));
    app.addHook('preValidation', shed);
  } else {
    app.addHook('onRequest', shed);
  }
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
 * names, re-decided within the deadline. Returns the totals; when the CRM refused a lead, that
 * refusal is thrown once everything else is written, so the sender shows the failure. The
 * delivery's lead ids and totals go on its log line.
 */
export async function handleDelivery(
  request: FastifyRequest,
  { connector, pipeline, deadline }: DeliveryOptions,
  plan: LeadsToDecide,
  { source, events, normalizeId = (id) => id }: DeliveryInfo,
): Promise<DeliveryTotals> {
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
  const refused = firstRefusal(outcomes);
  if (refused) throw refused;
  return totals;
}
