import { setTimeout as sleep } from 'node:timers/promises';
import type { BaseLogger } from 'pino';
import {
  type CrmConnector,
  CrmError,
  type LeadRecord,
} from '../../connectors/crm-connector.port.ts';
import { plan } from '../engine/plan.ts';
import type { Cadence, CadenceState, Decision, LeadSnapshot, Schedule } from '../engine/types.ts';
import { leadTimezone, type TimezoneSource } from '../timezone/lead-timezone.ts';
import { createKeyedLock } from './keyed-lock.ts';

/** The logger calls the pipeline makes; pino and Fastify's request loggers both fit. */
export type PipelineLog = Pick<BaseLogger, 'info' | 'warn'>;

export interface PipelineDeps {
  readonly connector: CrmConnector;
  readonly cadence: Cadence;
  readonly schedule: Schedule;
  readonly now: () => number;
  /** Decide and log, write nothing. */
  readonly dryRun: boolean;
}

export type LeadOutcome =
  | { readonly leadId: string; readonly found: false }
  | {
      readonly leadId: string;
      readonly found: true;
      readonly state: CadenceState;
      readonly timezone: string;
      readonly timezoneSource: TimezoneSource;
      readonly created: number;
      readonly closed: number;
      readonly reassigned: number;
      readonly written: boolean;
    };

export interface FollowUpPipeline {
  /** Load, decide and apply for these leads; resolves only once the changes are written. */
  reconcile(leadIds: readonly string[], log: PipelineLog): Promise<LeadOutcome[]>;
}

function snapshotOf(record: LeadRecord, timezone: string): LeadSnapshot {
  return { lead: { ...record.lead, timezone }, tasks: record.tasks, activities: record.activities };
}

function summary(decision: Decision) {
  return {
    state: decision.state,
    create: decision.create.map((t) => ({ step: t.step, channel: t.channel, dueAt: t.dueAt })),
    close: decision.close,
    reassign: decision.reassign,
  };
}

/** Rounds of read, decide and write per delivery before the failure goes back to the sender. */
const ROUNDS = 2;

export function createFollowUpPipeline(deps: PipelineDeps): FollowUpPipeline {
  const { connector, cadence, schedule, now, dryRun } = deps;
  // Two deliveries about one lead must not both see "no task yet" and create twins.
  const withLeads = createKeyedLock();

  /**
   * A write that failed midway (5xx, dropped connection) may have landed in part. Instead of
   * resending it, which could make twins, the round starts over: read again, decide again.
   */
  async function reconcile(leadIds: readonly string[], log: PipelineLog): Promise<LeadOutcome[]> {
    const ids = [...new Set(leadIds)];
    return withLeads(ids, async () => {
      for (let round = 1; ; round++) {
        try {
          return await decideAndApply(ids, log);
        } catch (error) {
          const retry =
            error instanceof CrmError && error.retryable && error.code !== 'crm_rate_limited';
          if (!retry || round >= ROUNDS) throw error;
          log.warn({ err: error, round }, 'CRM write failed; reading the leads again');
          await sleep(100 + Math.random() * 200);
        }
      }
    });
  }

  async function decideAndApply(ids: readonly string[], log: PipelineLog): Promise<LeadOutcome[]> {
    const records = await connector.loadLeads(ids);
    const at = now();
    const outcomes: LeadOutcome[] = [];
    const decisions: Decision[] = [];
    for (const leadId of ids) {
      const record = records.get(leadId);
      if (!record) {
        log.warn({ leadId }, 'lead not found in the CRM; nothing to do');
        outcomes.push({ leadId, found: false });
        continue;
      }
      const tz = leadTimezone(record.lead, schedule.teamZone, Date.parse(record.lead.createdAt));
      const decision = plan(snapshotOf(record, tz.zone), cadence, at, schedule);
      const changed = decision.create.length + decision.close.length + decision.reassign.length > 0;
      if (changed) decisions.push(decision);
      log.info({ leadId, timezone: tz.zone, dryRun, ...summary(decision) }, 'cadence decided');
      outcomes.push({
        leadId,
        found: true,
        state: decision.state,
        timezone: tz.zone,
        timezoneSource: tz.source,
        created: decision.create.length,
        closed: decision.close.length,
        reassigned: decision.reassign.length,
        written: changed && !dryRun,
      });
    }
    if (decisions.length > 0 && !dryRun) {
      // A decision is a superset of the changes it asks for.
      await connector.applyChanges(decisions);
    }
    return outcomes;
  }

  return { reconcile };
}

export interface DeliveryTotals {
  readonly leads: number;
  readonly created: number;
  readonly closed: number;
  readonly reassigned: number;
  readonly notFound: number;
}

/** What a webhook delivery did, summed over its leads: the answer body and the log line. */
export function totalsOf(outcomes: readonly LeadOutcome[]): DeliveryTotals {
  const totals = { leads: outcomes.length, created: 0, closed: 0, reassigned: 0, notFound: 0 };
  for (const o of outcomes) {
    if (!o.found) totals.notFound++;
    else {
      totals.created += o.created;
      totals.closed += o.closed;
      totals.reassigned += o.reassigned;
    }
  }
  return totals;
}
