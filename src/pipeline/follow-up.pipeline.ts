import { setTimeout as sleep } from 'node:timers/promises';
import type { BaseLogger } from 'pino';
import {
  type CrmConnector,
  CrmError,
  type LeadRecord,
} from '../../connectors/crm-connector.port.ts';
import { currentBudget, deadlineError } from '../../connectors/request-gate.ts';
import { plan } from '../engine/plan.ts';
import { twinClosures } from '../engine/twins.ts';
import type {
  Cadence,
  CadenceState,
  CadenceTask,
  CallingRule,
  Decision,
  LeadSnapshot,
  Schedule,
} from '../engine/types.ts';
import type { DecisionOutcome, PipelineMetrics, WrittenAction } from '../observability/metrics.ts';
import { type ResolvedLead, resolveLead } from '../timezone/lead-jurisdiction.ts';
import type { TimezoneSource } from '../timezone/lead-timezone.ts';
import { createKeyedLock } from './keyed-lock.ts';

/** The logger calls the pipeline makes; pino and Fastify's request loggers both fit. */
export type PipelineLog = Pick<BaseLogger, 'debug' | 'info' | 'warn'>;

export interface PipelineDeps {
  readonly connector: CrmConnector;
  readonly cadence: Cadence;
  readonly schedule: Schedule;
  /** Calling rules by jurisdiction (`US`, `US-FL`), from `CALLING_RULES`. */
  readonly callingRules: ReadonlyMap<string, CallingRule>;
  readonly now: () => number;
  /** Decide and log, write nothing. */
  readonly dryRun: boolean;
  readonly metrics?: PipelineMetrics | undefined;
}

export interface DecidedLead {
  readonly leadId: string;
  readonly found: true;
  readonly state: CadenceState;
  readonly timezone: string;
  readonly timezoneSource: TimezoneSource;
  /** Every zone the lead may be in (more than one: a safe window over all of them). */
  readonly candidates: readonly string[];
  /** The US state whose calling rules apply, if any. */
  readonly usState?: string;
  readonly created: number;
  /** Open tasks completed from attempts logged outside the task list. */
  readonly completed: number;
  readonly closed: number;
  readonly reassigned: number;
  /** Open tasks whose title's attempt count was made true. */
  readonly retitled: number;
  /** Open calls and texts moved into the lead's window, which changed since they were written. */
  readonly rescheduled: number;
  readonly written: boolean;
}

export type LeadOutcome =
  | { readonly leadId: string; readonly found: false }
  | DecidedLead
  | {
      readonly leadId: string;
      readonly found: true;
      /** The CRM refused this lead's changes; the other leads of the batch went ahead. */
      readonly failed: CrmError;
    };

export const isDecided = (o: LeadOutcome | undefined): o is DecidedLead =>
  o !== undefined && 'state' in o;

export interface ReconcileOptions {
  /**
   * Leads created before this instant (epoch ms) that have no cadence task are left alone: a
   * sweep re-decides cadences, it does not start one for every old contact someone edited.
   */
  readonly startCadencesFrom?: number;
}

export interface FollowUpPipeline {
  /**
   * Load, decide and apply for these leads; resolves only once the changes are written. A lead
   * whose changes the CRM refuses comes back as `failed`; a failure that may pass is thrown.
   */
  reconcile(
    leadIds: readonly string[],
    log: PipelineLog,
    options?: ReconcileOptions,
  ): Promise<LeadOutcome[]>;
  /**
   * Load and decide only: the cadence state a read shows, with nothing written, logged or
   * counted (what is due but not yet written is left to the next event).
   */
  inspect(leadIds: readonly string[]): Promise<LeadOutcome[]>;
  /** Load and decide one lead, writing nothing: what the engine saw and what it decided. */
  explain(leadId: string): Promise<Explained | undefined>;
}

/** One lead's records, where it was placed, and the decision, for `GET /leads/:id/decision`. */
export interface Explained {
  readonly cadence: Cadence;
  readonly record: LeadRecord;
  readonly place: ResolvedLead;
  readonly decision: Decision;
  /** The instant decided at (epoch ms). */
  readonly at: number;
}

/** A read decides in silence: its decisions are not acted on, so they are not news. */
const QUIET: PipelineLog = { debug: () => {}, info: () => {}, warn: () => {} };

function snapshotOf(record: LeadRecord, place: ResolvedLead): LeadSnapshot {
  return {
    lead: { ...record.lead, timezone: place.zone, jurisdiction: place.jurisdiction },
    tasks: record.tasks,
    activities: record.activities,
  };
}

function summary(decision: Decision) {
  return {
    state: decision.state,
    create: decision.create.map((t) => ({ step: t.step, channel: t.channel, dueAt: t.dueAt })),
    close: decision.close,
    complete: decision.complete,
    reassign: decision.reassign,
    retitle: decision.retitle,
    reschedule: decision.reschedule,
  };
}

/** Rounds of read, decide and write per delivery before the failure goes back to the sender. */
const ROUNDS = 2;

const hasChanges = (d: Decision) =>
  d.create.length +
    d.close.length +
    d.complete.length +
    d.reassign.length +
    d.retitle.length +
    d.reschedule.length >
  0;

/** One label per decision: a stop or the end of the cadence first, then what it changes. */
function outcomeOf(decision: Decision): DecisionOutcome {
  if (decision.state.status !== 'active') return decision.state.status;
  if (decision.create.length > 0) return 'created';
  if (decision.complete.length > 0) return 'completed';
  if (decision.close.length > 0) return 'closed';
  if (decision.reassign.length > 0) return 'reassigned';
  if (decision.retitle.length > 0) return 'retitled';
  if (decision.reschedule.length > 0) return 'rescheduled';
  return 'noop';
}

interface Decided {
  readonly decision: Decision;
  readonly record: LeadRecord;
}

export function createFollowUpPipeline(deps: PipelineDeps): FollowUpPipeline {
  const { connector, cadence, schedule, callingRules, now, dryRun, metrics } = deps;
  // Two deliveries about one lead must not both see "no task yet" and create twins.
  const withLeads = createKeyedLock();

  /**
   * A write that failed midway (5xx, dropped connection) may have landed in part. Instead of
   * resending it, which could make twins, the round starts over: read again, decide again.
   */
  async function reconcile(
    leadIds: readonly string[],
    log: PipelineLog,
    options: ReconcileOptions = {},
  ): Promise<LeadOutcome[]> {
    const ids = [...new Set(leadIds)];
    return withLeads(ids, async () => {
      // A delivery answered 503 while it waited for the lock has nothing left to do.
      const signal = currentBudget()?.signal;
      if (signal?.aborted) throw deadlineError();
      for (let round = 1; ; round++) {
        try {
          return await isolatingRefusals(ids, log, options);
        } catch (error) {
          const retry =
            error instanceof CrmError &&
            error.retryable &&
            error.code !== 'crm_rate_limited' &&
            error.code !== 'deadline_exceeded';
          if (!retry || round >= ROUNDS) throw error;
          log.warn({ err: error, round }, 'CRM write failed; reading the leads again');
          await sleep(100 + Math.random() * 200, undefined, { signal });
        }
      }
    });
  }

  /**
   * One lead the CRM refuses (a bad owner, a validation rule) must not hold back its batch:
   * the batch is halved until the refused leads stand alone. Each half reads and decides
   * again, so nothing written by an earlier half is written twice.
   */
  async function isolatingRefusals(
    ids: readonly string[],
    log: PipelineLog,
    options: ReconcileOptions,
  ): Promise<LeadOutcome[]> {
    try {
      return await decideAndApply(ids, log, options);
    } catch (error) {
      if (!(error instanceof CrmError) || error.code !== 'crm_rejected') throw error;
      const [leadId] = ids;
      if (ids.length === 1 && leadId !== undefined) {
        log.warn({ leadId, err: error }, 'the CRM refused the changes of this lead');
        return [{ leadId, found: true, failed: error }];
      }
      const half = Math.ceil(ids.length / 2);
      const first = await isolatingRefusals(ids.slice(0, half), log, options);
      return [...first, ...(await isolatingRefusals(ids.slice(half), log, options))];
    }
  }

  /** Decides one lead and logs the decision; a sweep leaves old leads with no cadence alone. */
  function decideLead(
    leadId: string,
    record: LeadRecord,
    at: number,
    log: PipelineLog,
    options: ReconcileOptions,
  ): { outcome: DecidedLead; decision: Decision | undefined } {
    const createdAt = Date.parse(record.lead.createdAt);
    const tz = placeOf(record);
    const untouched =
      options.startCadencesFrom !== undefined &&
      record.tasks.length === 0 &&
      createdAt < options.startCadencesFrom;
    const decision = untouched ? undefined : plan(snapshotOf(record, tz), cadence, at, schedule);
    const changed = decision !== undefined && hasChanges(decision);
    if (decision) {
      // A sweep re-decides many leads that need nothing: those lines are for debugging.
      const level = changed || dryRun ? 'info' : 'debug';
      log[level]({ leadId, timezone: tz.zone, dryRun, ...summary(decision) }, 'cadence decided');
    }
    const outcome: DecidedLead = {
      leadId,
      found: true,
      state: decision?.state ?? { status: 'active' },
      timezone: tz.zone,
      timezoneSource: tz.source,
      candidates: tz.candidates,
      ...(tz.state === undefined ? {} : { usState: tz.state }),
      created: decision?.create.length ?? 0,
      completed: decision?.complete.length ?? 0,
      closed: decision?.close.length ?? 0,
      reassigned: decision?.reassign.length ?? 0,
      retitled: decision?.retitle.length ?? 0,
      rescheduled: decision?.reschedule.length ?? 0,
      written: changed && !dryRun,
    };
    return { outcome, decision };
  }

  function placeOf(record: LeadRecord): ResolvedLead {
    return resolveLead(record.lead, {
      teamZone: schedule.teamZone,
      at: Date.parse(record.lead.createdAt),
      contactHours: schedule.contactHours,
      callingRules,
    });
  }

  async function explain(leadId: string): Promise<Explained | undefined> {
    const record = (await connector.loadLeads([leadId])).get(leadId);
    if (!record) return undefined;
    const at = now();
    const place = placeOf(record);
    const decision = plan(snapshotOf(record, place), cadence, at, schedule);
    return { cadence, record, place, decision, at };
  }

  async function inspect(leadIds: readonly string[]): Promise<LeadOutcome[]> {
    const records = await connector.loadLeads([...new Set(leadIds)]);
    const at = now();
    return leadIds.map((leadId) => {
      const record = records.get(leadId);
      return record ? decideLead(leadId, record, at, QUIET, {}).outcome : { leadId, found: false };
    });
  }

  async function decideAndApply(
    ids: readonly string[],
    log: PipelineLog,
    options: ReconcileOptions,
  ): Promise<LeadOutcome[]> {
    const records = await connector.loadLeads(ids);
    const at = now();
    const outcomes: LeadOutcome[] = [];
    const decided: Decided[] = [];
    for (const leadId of ids) {
      const record = records.get(leadId);
      if (!record) {
        log.warn({ leadId }, 'lead not found in the CRM; nothing to do');
        outcomes.push({ leadId, found: false });
        continue;
      }
      const { outcome, decision } = decideLead(leadId, record, at, log, options);
      outcomes.push(outcome);
      if (decision) decided.push({ decision, record });
    }
    // A decision is a superset of the changes it asks for.
    const decisions = decided.map((d) => d.decision).filter(hasChanges);
    if (decisions.length === 0 || dryRun) {
      report(decided, false);
      return outcomes;
    }
    const tasksRead = (leadId: string) => records.get(leadId)?.tasks ?? [];
    const created = await connector.applyChanges(
      decisions.map((d) => ({ ...d, read: tasksRead(d.leadId) })),
    );
    report(decided, true);
    // A twin is a task this round does not know: the ones it read or wrote need no re-read.
    const known = new Map(
      [...[...records.values()].flatMap((r) => r.tasks), ...created].map((t) => [t.id, t]),
    );
    const twins = await removeTwins(
      decisions.filter((d) => d.create.length > 0).map((d) => d.leadId),
      log,
      known,
    );
    return twins.size === 0
      ? outcomes
      : outcomes.map((o) =>
          'closed' in o ? { ...o, closed: o.closed + (twins.get(o.leadId) ?? 0) } : o,
        );
  }

  /** Counts a round's decisions once it has succeeded, and the tasks it wrote. */
  function report(decided: readonly Decided[], written: boolean): void {
    if (!metrics) return;
    const at = now();
    for (const { decision, record } of decided) {
      metrics.decided(outcomeOf(decision));
      if (!written) continue;
      for (const task of decision.create) metrics.written(task.channel, 'created');
      countChanged('completed', record.tasks, decision.complete);
      countChanged('closed', record.tasks, decision.close);
      countChanged('reassigned', record.tasks, decision.reassign);
      countChanged('retitled', record.tasks, decision.retitle);
      countChanged('rescheduled', record.tasks, decision.reschedule);
      if (record.tasks.length === 0 && decision.create.length > 0) {
        metrics.firstTaskWritten((at - Date.parse(record.lead.createdAt)) / 1000);
      }
    }
  }

  function countChanged(
    action: Exclude<WrittenAction, 'created'>,
    tasks: readonly CadenceTask[] = [],
    changed: readonly { readonly taskId: string }[],
  ): void {
    if (!metrics || changed.length === 0) return;
    const channels = new Map(tasks.map((t) => [t.id, t.channel]));
    for (const { taskId } of changed) metrics.written(channels.get(taskId) ?? 'unknown', action);
  }

  /**
   * Another replica may have created the same tasks a moment ago: the in-process lock cannot
   * see it. Re-reading the new tasks after writing finds such twins, and the one rule every
   * replica applies (oldest stays) removes them. Returns the twins closed per lead.
   */
  async function removeTwins(
    leadIds: string[],
    log: PipelineLog,
    known: ReadonlyMap<string, CadenceTask>,
  ): Promise<Map<string, number>> {
    const closed = new Map<string, number>();
    if (leadIds.length === 0) return closed;
    const tasks = await connector.loadTasks(leadIds, known);
    const changes = [...tasks].flatMap(([leadId, own]) => {
      const close = twinClosures(own);
      if (close.length > 0) closed.set(leadId, close.length);
      return close.length > 0 ? [{ leadId, create: [], close, reassign: [] }] : [];
    });
    if (changes.length > 0) {
      log.warn(
        { twins: Object.fromEntries(closed) },
        'twin tasks from a concurrent writer removed',
      );
      await connector.applyChanges(changes);
      for (const { leadId, close } of changes) countChanged('closed', tasks.get(leadId), close);
    }
    return closed;
  }

  return { reconcile, inspect, explain };
}

export interface DeliveryTotals {
  readonly leads: number;
  readonly created: number;
  readonly completed: number;
  readonly closed: number;
  readonly reassigned: number;
  readonly retitled: number;
  readonly rescheduled: number;
  /** Leads found whose tasks were already right. */
  readonly unchanged: number;
  readonly notFound: number;
  readonly failed: number;
}

/** What a delivery or a sweep did, summed over its leads: the answer body and the log line. */
export function totalsOf(outcomes: readonly LeadOutcome[]): DeliveryTotals {
  const totals = {
    leads: outcomes.length,
    created: 0,
    completed: 0,
    closed: 0,
    reassigned: 0,
    retitled: 0,
    rescheduled: 0,
    unchanged: 0,
    notFound: 0,
    failed: 0,
  };
  for (const o of outcomes) {
    if (!o.found) totals.notFound++;
    else if ('failed' in o) totals.failed++;
    else {
      totals.created += o.created;
      totals.completed += o.completed;
      totals.closed += o.closed;
      totals.reassigned += o.reassigned;
      totals.retitled += o.retitled;
      totals.rescheduled += o.rescheduled;
      const changed =
        o.created + o.completed + o.closed + o.reassigned + o.retitled + o.rescheduled;
      if (changed === 0) totals.unchanged++;
    }
  }
  return totals;
}

/** The first refusal among the outcomes: a webhook reports it after writing everything else. */
export function firstRefusal(outcomes: readonly LeadOutcome[]): CrmError | undefined {
  for (const o of outcomes) if ('failed' in o) return o.failed;
  return undefined;
}
