import { readFileSync } from 'node:fs';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestGate } from '../../connectors/request-gate.ts';
import type { CrmTelemetry } from '../../connectors/telemetry.ts';

/** What a decision did to a lead's tasks, one label value per decision. */
/** What the service did to a task in the CRM. */
export type WrittenAction =
  | 'created'
  | 'completed'
  | 'closed'
  | 'reassigned'
  | 'retitled'
  | 'rescheduled';

export type DecisionOutcome =
  | 'created'
  | 'completed'
  | 'closed'
  | 'stopped'
  | 'finished'
  | 'reassigned'
  | 'retitled'
  | 'rescheduled'
  | 'noop';

/** What the pipeline reports: decisions, the tasks it wrote, and the speed to lead. */
export interface PipelineMetrics {
  decided(outcome: DecisionOutcome): void;
  written(channel: string, action: WrittenAction): void;
  /** Seconds from the lead's creation in the CRM to its first task being written. */
  firstTaskWritten(seconds: number): void;
}

/** One webhook delivery: where from, its result (`ok` or the error code), and its events. */
export interface DeliveryRecord {
  readonly source: 'hubspot' | 'salesforce';
  readonly result: string;
  readonly seconds: number;
  /** Events per type: how many the service acted on and how many it ignored. */
  readonly events: ReadonlyMap<string, { acted: number; ignored: number }>;
}

export interface Metrics extends PipelineMetrics {
  readonly registry: Registry;
  /** The telemetry a connector reports its CRM traffic to. */
  crm(connector: string): CrmTelemetry;
  /** Reports the gate's queue length at each scrape. */
  watchGate(connector: string, gate: RequestGate): void;
  delivery(record: DeliveryRecord): void;
  sweep(result: string): void;
}

export interface MetricsOptions {
  readonly crm: string;
  readonly cadence: string;
  readonly dryRun: boolean;
  /** Process metrics (CPU, memory, event-loop lag, GC); one set per process. */
  readonly processMetrics?: boolean;
}

const NAMESPACE = 'lead_followup';

/** Label values come from the CRM's event names: anything odd is counted as `other`. */
const safeLabel = (value: string) => (/^[\w.-]{1,60}$/.test(value) ? value : 'other');

/**
 * Event types a process gives a label of their own; any later type counts as `other`. A sender
 * names the types (HubSpot's subscriptions, Salesforce's sObjects: a dozen in practice), and each
 * new label is a series kept for the life of the process.
 */
const MAX_EVENT_TYPES = 50;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Prometheus metrics of one service instance, in their own registry. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  new Gauge({
    name: `${NAMESPACE}_build_info`,
    help: 'Always 1; the labels tell the version, the CRM and the cadence this instance runs',
    labelNames: ['version', 'crm', 'cadence'],
    registers,
  }).set({ version: version(), crm: options.crm, cadence: options.cadence }, 1);
  new Gauge({
    name: `${NAMESPACE}_dry_run`,
    help: '1 when DRY_RUN is on: decisions are made and counted, nothing is written',
    registers,
  }).set(options.dryRun ? 1 : 0);

  const deliveries = new Counter({
    name: `${NAMESPACE}_webhook_deliveries_total`,
    help: 'Webhook deliveries by source and result (ok, or the error code answered)',
    labelNames: ['source', 'result'],
    registers,
  });
  const deliverySeconds = new Histogram({
    name: `${NAMESPACE}_webhook_delivery_duration_seconds`,
    help: 'Time from receiving a webhook delivery to answering it, writes included',
    labelNames: ['source'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
    registers,
  });
  const eventTypes = new Set<string>();
  const typeLabel = (type: string) => {
    const label = safeLabel(type);
    if (eventTypes.has(label)) return label;
    if (eventTypes.size >= MAX_EVENT_TYPES) return 'other';
    eventTypes.add(label);
    return label;
  };
  const events = new Counter({
    name: `${NAMESPACE}_webhook_events_total`,
    help: 'Events in webhook deliveries by source, type and result (processed, ignored, failed)',
    labelNames: ['source', 'type', 'result'],
    registers,
  });
  const decisions = new Counter({
    name: `${NAMESPACE}_decisions_total`,
    help: 'Cadence decisions by outcome (counted in dry run too)',
    labelNames: ['outcome'],
    registers,
  });
  const tasks = new Counter({
    name: `${NAMESPACE}_tasks_written_total`,
    help: 'Tasks written to the CRM by channel and action (created, completed, closed, reassigned, retitled, rescheduled)',
    labelNames: ['channel', 'action'],
    registers,
  });
  const speedToLead = new Histogram({
    name: `${NAMESPACE}_speed_to_lead_seconds`,
    help: "Seconds from a lead's creation in the CRM to its first follow-up task being written",
    buckets: [5, 15, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers,
  });
  const crmRequests = new Counter({
    name: `${NAMESPACE}_crm_requests_total`,
    help: 'CRM API requests by connector, operation and status (ok, or the failure code)',
    labelNames: ['connector', 'operation', 'status'],
    registers,
  });
  const crmRetries = new Counter({
    name: `${NAMESPACE}_crm_retries_total`,
    help: 'CRM API requests tried again, by connector, operation and the failure that caused it',
    labelNames: ['connector', 'operation', 'reason'],
    registers,
  });
  const crmSeconds = new Histogram({
    name: `${NAMESPACE}_crm_request_duration_seconds`,
    help: 'Time the CRM took to answer one API request',
    labelNames: ['connector'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const rateLimitWait = new Histogram({
    name: `${NAMESPACE}_crm_rate_limit_wait_seconds`,
    help: 'Time a CRM request waited for its turn under CRM_RATE_LIMIT and CRM_MAX_CONCURRENCY',
    labelNames: ['connector'],
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10],
    registers,
  });
  const gates = new Map<string, RequestGate>();
  new Gauge({
    name: `${NAMESPACE}_crm_rate_limit_queue`,
    help: 'CRM requests waiting for their turn under the client-side rate limit',
    labelNames: ['connector'],
    registers,
    collect() {
      for (const [connector, gate] of gates) this.set({ connector }, gate.waiting());
    },
  });
  const states = ['ok', 'background_paused', 'paused', 'exhausted'] as const;
  new Gauge({
    name: `${NAMESPACE}_crm_daily_budget_state`,
    help: 'The daily budget guard: 1 for its current state (ok, background_paused: sweeps and reports stopped, paused: deliveries answered 503, exhausted: the CRM refused, nothing is sent)',
    labelNames: ['connector', 'state'],
    registers,
    collect() {
      for (const [connector, gate] of gates) {
        const now = gate.daily?.status().state;
        for (const state of states) this.set({ connector, state }, now === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: `${NAMESPACE}_crm_daily_usage_ratio`,
    help: "The CRM's daily API usage as a share of its allocation, every integration counted, as last reported",
    labelNames: ['connector'],
    registers,
    collect() {
      for (const [connector, gate] of gates) {
        const usage = gate.daily?.status().usage;
        if (usage !== undefined) this.set({ connector }, usage);
      }
    },
  });
  const sweeps = new Counter({
    name: `${NAMESPACE}_reconcile_runs_total`,
    help: 'POST /reconcile sweeps by result (ok, or the error code answered)',
    labelNames: ['result'],
    registers,
  });

  return {
    registry,
    crm(connector) {
      return {
        attempt: (operation, status) => crmRequests.inc({ connector, operation, status }),
        retry: (operation, reason) => crmRetries.inc({ connector, operation, reason }),
        request(waitedMs, tookMs) {
          rateLimitWait.observe({ connector }, waitedMs / 1000);
          crmSeconds.observe({ connector }, tookMs / 1000);
        },
      };
    },
    watchGate(connector, gate) {
      gates.set(connector, gate);
    },
    delivery({ source, result, seconds, events: counts }) {
      deliveries.inc({ source, result });
      deliverySeconds.observe({ source }, seconds);
      const outcome = result === 'ok' ? 'processed' : 'failed';
      for (const [type, { acted, ignored }] of counts) {
        const label = { source, type: typeLabel(type) };
        if (acted > 0) events.inc({ ...label, result: outcome }, acted);
        if (ignored > 0) events.inc({ ...label, result: 'ignored' }, ignored);
      }
    },
    sweep: (result) => sweeps.inc({ result }),
    decided: (outcome) => decisions.inc({ outcome }),
    written: (channel, action) => tasks.inc({ channel, action }),
    firstTaskWritten: (seconds) => speedToLead.observe(Math.max(0, seconds)),
  };
}
