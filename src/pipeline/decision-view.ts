/**
 * The answer of `GET /leads/:id/decision`: what the engine saw of a lead (the fields it uses,
 * its cadence tasks, how each logged call or email counted, where the lead was placed) and what
 * it decided, with why each planned step falls when it does. Pure: built from one `explain`.
 */
import { activityKey, isLoggedAttempt, matchAttempts } from '../engine/attempts.ts';
import type { Activity, Cadence, CadenceStep, TaskDraft, TimingReason } from '../engine/types.ts';
import type { Explained } from './follow-up.pipeline.ts';

/** How the engine counted a logged call or email. */
type Counted =
  /** The lead's own message (a reply): it stops the cadence, it is not an attempt. */
  | { readonly as: 'reply' }
  /** The attempt of a completed cadence task (named on it, or within 15 minutes of it). */
  | { readonly as: 'task_attempt'; readonly taskId: string }
  /** This decision completes the open task with it. */
  | { readonly as: 'completes'; readonly taskId: string }
  /** Made outside the cadence: it uses up one of its channel's steps. */
  | { readonly as: 'outside' };

/** Why a step falls when it does, in words (the codes are in docs/cadence.md). */
export function explainReason(reason: TimingReason): string {
  if (reason === 'overlap')
    return "first moment inside both the team's hours and the lead's window";
  if (reason === 'team_hours')
    return "first moment of the team's hours (a desk step; the lead's window does not meet them that day)";
  if (reason === 'lead_window_only')
    return "inside the lead's window but outside the team's hours: the two do not meet that day";
  if (reason === 'no_lawful_moment')
    return "no moment: the lead's contact hours and calling rules leave none for a year";
  const [kind, code] = reason.split(':');
  if (kind === 'state_cap')
    return `delayed by the ${code} rule's cap on calls and texts in a rolling period (24 hours, or 30 days for a country such as FR)`;
  return `moved past a public holiday or no-call day (${code})`;
}

/** The area code of a North American number (what places a US lead in a state), else null. */
function northAmericanAreaCode(phone: string | undefined): string | null {
  const digits = phone?.replace(/\D/g, '') ?? '';
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  return national.length === 10 && (phone?.startsWith('+1') || !phone?.startsWith('+'))
    ? national.slice(0, 3)
    : null;
}

function counted(explained: Explained): (activity: Activity) => Counted {
  const { record, decision } = explained;
  const { pairs } = matchAttempts(record.tasks, record.activities);
  const byActivity = new Map([...pairs].map(([task, a]) => [a, task.id]));
  const completes = new Map(decision.complete.map((c) => [c.activity, c.taskId]));
  return (activity) => {
    if (!isLoggedAttempt(activity)) return { as: 'reply' };
    const taskId = byActivity.get(activity);
    if (taskId !== undefined) return { as: 'task_attempt', taskId };
    const completing = completes.get(activityKey(activity));
    return completing === undefined ? { as: 'outside' } : { as: 'completes', taskId: completing };
  };
}

/** What the step's timing counts from, as the cadence defines it. */
function basis(step: CadenceStep | undefined, draft: TaskDraft): string {
  const since = draft.after
    ? `the last ${draft.channel} attempt (${draft.after})`
    : 'the lead arrived';
  if (step?.afterMinutes) {
    return `${step.afterMinutes.min}-${step.afterMinutes.max} minutes after ${since}`;
  }
  const day = step?.day ?? 1;
  return draft.after && day > 1
    ? `day ${day} of the lead, and a later day than ${since}`
    : `day ${day} of the lead`;
}

function planned(cadence: Cadence, draft: TaskDraft) {
  const { step, channel, title, priority, reminderAt, dueAt, reason } = draft;
  const why = `${basis(cadence.steps[step - 1], draft)}; then the ${explainReason(reason)}`;
  return { step, channel, title, priority, reminderAt, dueAt, reason, why };
}

export function decisionView(crm: string, explained: Explained) {
  const { record, place, decision, at } = explained;
  const { lead } = record;
  const count = counted(explained);
  return {
    leadId: lead.id,
    crm,
    decidedAt: new Date(at).toISOString(),
    snapshot: {
      lead: {
        createdAt: lead.createdAt,
        ownerId: lead.ownerId ?? null,
        timezoneField: lead.timezone ?? null,
        // The number itself stays out of the answer: where it places the lead is what matters.
        hasPhone: lead.phone !== undefined,
        phoneAreaCode: northAmericanAreaCode(lead.phone),
        country: lead.country ?? null,
        state: lead.state ?? null,
        isOpen: lead.isOpen,
        converted: lead.converted,
        optedOut: lead.optedOut,
      },
      timezone: {
        zone: place.zone,
        source: place.source,
        candidates: place.candidates,
        usState: place.state ?? null,
        rules: place.jurisdiction.rules.map((r) => r.code),
      },
      // A task's text is the connector's, not what the engine decided on.
      tasks: record.tasks.map(({ body: _text, ...task }) => task),
      activities: record.activities.map((a) => ({ ...a, counted: count(a) })),
    },
    decision: {
      state: decision.state,
      create: decision.create.map((draft) => planned(explained.cadence, draft)),
      complete: decision.complete,
      close: decision.close,
      reassign: decision.reassign,
      retitle: decision.retitle,
      reschedule: decision.reschedule,
      keep: decision.keep,
    },
  };
}
