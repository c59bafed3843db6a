import { idBatches } from '../../connectors/batching.ts';
import type { CrmConnector } from '../../connectors/crm-connector.port.ts';
import { CrmError } from '../../connectors/crm-connector.port.ts';
import { deadlineError, withBudget } from '../../connectors/request-gate.ts';
import { attemptsOf, type LeadAttempts } from './attempts-report.ts';

/** Leads read per `loadLeads`: one CRM batch. */
const BATCH = 100;

/** The window holds more than can be read within the time a report may take. */
export class WindowTooLarge extends Error {
  readonly leadsRead: number;

  constructor(leadsRead: number) {
    super(`read ${leadsRead} leads before the time ran out`);
    this.leadsRead = leadsRead;
  }
}

/**
 * The attempts of every lead created in `[since, until)`, read page by page through the CRM's
 * search or query API. It runs as background work (webhooks keep their turn at the rate limit)
 * and stops at `timeoutMs` with `WindowTooLarge`; each lead is reduced to its attempts as soon
 * as it is read, so memory grows with the leads, not with their records.
 */
export function collectAttempts(
  connector: CrmConnector,
  since: string,
  until: string,
  timeoutMs: number,
): Promise<LeadAttempts[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const budget = {
    signal,
    deadlineAt: performance.now() + timeoutMs,
    background: true,
    reserved: 0,
  };
  const leads: LeadAttempts[] = [];
  const seen = new Set<string>();
  return withBudget(budget, async () => {
    try {
      for await (const ids of idBatches(connector.leadsCreatedBetween(since, until), BATCH)) {
        // The sandbox makes no CRM request, so the deadline is checked here too.
        if (signal.aborted) throw deadlineError();
        const records = await connector.loadLeads(ids);
        for (const record of records.values()) {
          // A 15-character id read back as its 18-character form is the same lead.
          if (seen.has(record.lead.id)) continue;
          seen.add(record.lead.id);
          leads.push(attemptsOf(record, { reachedByStatus: record.lead.contacted }));
        }
      }
      return leads;
    } catch (error) {
      if (error instanceof CrmError && error.code === 'deadline_exceeded') {
        throw new WindowTooLarge(leads.length);
      }
      throw error;
    }
  });
}
