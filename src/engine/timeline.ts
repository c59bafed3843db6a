import { plan } from './plan.ts';
import type {
  Cadence,
  CadenceTask,
  Channel,
  LeadSnapshot,
  Priority,
  Schedule,
  TimingReason,
} from './types.ts';

export interface TimelineEntry {
  readonly step: number;
  readonly channel: Channel;
  readonly title: string;
  readonly priority: Priority;
  readonly reminderAt: string;
  readonly dueAt: string;
  readonly reason: TimingReason;
  /** The task body, which explains a call outside the team's hours. */
  readonly body: string;
}

/**
 * The whole timeline of a lead that is never reached and whose every task is done when it
 * falls due, found by replaying `plan` exactly as the service would run it.
 */
export function timeline(
  lead: LeadSnapshot['lead'],
  cadence: Cadence,
  schedule: Schedule,
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let tasks: CadenceTask[] = [];
  let now = Date.parse(lead.createdAt);
  // Each round completes one task, so the cadence length bounds the loop.
  for (let round = 0; round <= cadence.steps.length; round++) {
    const decision = plan({ lead, tasks, activities: [] }, cadence, now, schedule);
    for (const d of decision.create) {
      const { step, channel, title, priority, reminderAt, dueAt, reason, body } = d;
      entries.push({ step, channel, title, priority, reminderAt, dueAt, reason, body });
      const createdAt = new Date(now).toISOString();
      tasks.push({
        id: d.stepKey,
        cadenceId: cadence.id,
        step,
        channel,
        status: 'open',
        createdAt,
        dueAt,
      });
    }
    const next = tasks
      .filter((t) => t.status === 'open')
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.step - b.step)[0];
    if (!next) break;
    const outcome = next.channel === 'call' ? 'no_answer' : 'sent';
    tasks = tasks.map((t) =>
      t === next ? { ...t, status: 'completed', doneAt: t.dueAt, outcome } : t,
    );
    now = Math.max(now, Date.parse(next.dueAt));
  }
  return entries.sort((a, b) => a.step - b.step);
}
