import { idBatches } from '../../connectors/batching.ts';
import { type CrmConnector, CrmError } from '../../connectors/crm-connector.port.ts';
import { withBudget } from '../../connectors/request-gate.ts';
import {
  type DeliveryTotals,
  type FollowUpPipeline,
  type PipelineLog,
  totalsOf,
} from './follow-up.pipeline.ts';

/** A sweep's answer: what its deliveries did, summed (a lead gone since the search is unchanged). */
export type SweepTotals = { readonly since: string } & Omit<DeliveryTotals, 'notFound'>;

/** The counts a sweep adds up from each batch's totals. */
const COUNTED = [
  'created',
  'completed',
  'closed',
  'reassigned',
  'retitled',
  'rescheduled',
  'failed',
] as const;

/** Leads re-decided per pipeline run: one CRM batch. */
const CHUNK = 100;

/**
 * The safety net behind the webhooks: re-decides every lead created or touched since `since`,
 * found through the CRM's search. Idempotent, so a cron can call it every few minutes. It
 * queues behind webhooks at the rate limit, and a batch the CRM fails counts as `failed`
 * instead of ending the sweep; only a refused login or search ends it.
 */
export function sweep(
  connector: CrmConnector,
  pipeline: FollowUpPipeline,
  since: Date,
  log: PipelineLog,
): Promise<SweepTotals> {
  return withBudget({ background: true, reserved: 0 }, async () => {
    const totals = {
      since: since.toISOString(),
      leads: 0,
      created: 0,
      completed: 0,
      closed: 0,
      reassigned: 0,
      retitled: 0,
      rescheduled: 0,
      unchanged: 0,
      failed: 0,
    };
    const seen = new Set<string>();
    const run = async (ids: string[]) => {
      try {
        const outcomes = await pipeline.reconcile(ids, log, { startCadencesFrom: since.getTime() });
        const t = totalsOf(outcomes);
        for (const key of COUNTED) totals[key] += t[key];
        // A lead deleted since the search found it needs nothing either.
        totals.unchanged += t.unchanged + t.notFound;
      } catch (error) {
        if (!(error instanceof CrmError) || !error.retryable) throw error;
        log.warn(
          { err: error, leads: ids.length },
          'sweep batch failed; the next sweep retries it',
        );
        totals.failed += ids.length;
      }
    };
    for await (const ids of idBatches(connector.leadsTouchedSince(totals.since), CHUNK, seen)) {
      await run(ids);
    }
    totals.leads = seen.size;
    return totals;
  });
}
