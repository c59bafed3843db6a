import type { LeadRecord } from '../../connectors/crm-connector.port.ts';
import { doneAt, isLoggedAttempt, matchAttempts, SAME_ATTEMPT_MS } from '../engine/attempts.ts';
import {
  type Activity,
  type Cadence,
  type CadenceTask,
  type Channel,
  type Outcome,
  REACHED_OUTCOMES,
} from '../engine/types.ts';

/** Records this little before the lead's creation are clock skew between systems, not history. */
export const CLOCK_SKEW_MS = 60_000;

export type AttemptChannel = 'call' | 'email';

/** One contact attempt: a logged call or email, or a completed call/email cadence task. */
export interface Attempt {
  readonly channel: AttemptChannel;
  /** ISO instant of the attempt. */
  readonly at: string;
  /** `undefined`: a completed cadence task on which the rep logged no outcome. */
  readonly outcome?: Outcome;
}

/** What made a lead count as reached. */
export type ReachEvidence = 'outcome' | 'contact' | 'status';

export type Reach =
  | { readonly status: 'not_reached' }
  /** `attempt`: 1-based number, among all the lead's attempts, of the attempt that reached it. */
  | { readonly status: 'reached'; readonly attempt: number; readonly by: ReachEvidence }
  | { readonly status: 'reached_without_attempt'; readonly by: 'contact' | 'status' };

/** A lead reduced to what the report needs. */
export interface LeadAttempts {
  readonly createdAt: string;
  /** Calls and emails, oldest first. */
  readonly attempts: readonly Attempt[];
  readonly reach: Reach;
}

export interface AttemptsOfOptions {
  /**
   * The lead's status says contact was made (converted, or a "contacted" status): the connector
   * decides. Used only when no record says when contact happened.
   * @default false
   */
  readonly reachedByStatus?: boolean;
}

interface Timed extends Attempt {
  readonly time: number;
}

function isAttemptChannel(channel: Channel): channel is AttemptChannel {
  return channel === 'call' || channel === 'email';
}

/** A logged call or email made by the rep: the engine's definition, on the report's channels. */
function isAttempt(a: Activity): boolean {
  return isAttemptChannel(a.channel) && isLoggedAttempt(a);
}

function isReached(outcome: Outcome | undefined): boolean {
  return outcome !== undefined && REACHED_OUTCOMES.has(outcome);
}

function timed(channel: AttemptChannel, at: string, outcome: Outcome | undefined): Timed {
  return { channel, at, time: Date.parse(at), ...(outcome === undefined ? {} : { outcome }) };
}

const timedActivity = (a: Activity) => timed(a.channel as AttemptChannel, a.at, a.outcome);

/**
 * Logged attempts plus the done tasks that no logged attempt of their channel accounts for, as
 * the engine pairs them ({@link matchAttempts}): one attempt each.
 */
function mergeTasks(logged: readonly Activity[], done: readonly CadenceTask[]): Timed[] {
  const { pairs } = matchAttempts(done, logged);
  const merged = new Map<Activity, Timed>();
  for (const [task, a] of pairs) {
    const taskOutcome = task.outcome;
    merged.set(
      a,
      onlyTaskReached(a.outcome, taskOutcome)
        ? timed(a.channel as AttemptChannel, a.at, taskOutcome)
        : timedActivity(a),
    );
  }
  const unmatched = done
    .filter((task) => !pairs.has(task))
    .map((t) => timed(t.channel as AttemptChannel, t.doneAt ?? t.dueAt, t.outcome));
  return [...logged.map((a) => merged.get(a) ?? timedActivity(a)), ...unmatched];
}

function onlyTaskReached(logged: Outcome | undefined, task: Outcome | undefined): boolean {
  return isReached(task) && !isReached(logged);
}

/**
 * The earliest contact: an attempt with a reached outcome counts at its own number; any other
 * record of contact (a reply, a meeting logged as a task, an SMS answered) counts at the number of
 * attempts made by then, 0 when none were.
 */
function firstContact(attempts: readonly Timed[], contacts: readonly number[]): Reach | undefined {
  const byOutcome = attempts.findIndex((a) => isReached(a.outcome)) + 1;
  let best: Reach | undefined =
    byOutcome > 0 ? { status: 'reached', attempt: byOutcome, by: 'outcome' } : undefined;
  for (const time of contacts) {
    const made = attempts.filter((a) => a.time <= time).length;
    if (made === 0) return { status: 'reached_without_attempt', by: 'contact' };
    if (!best || (best.status === 'reached' && made < best.attempt)) {
      best = { status: 'reached', attempt: made, by: 'contact' };
    }
  }
  return best;
}

/**
 * The lead's contact attempts in time order and the attempt that reached it.
 *
 * - Attempts are calls and emails: every logged one (whether or not a cadence task led to it),
 *   except replies, which are the lead's messages; and every completed call/email cadence task
 *   (at `doneAt`, else `dueAt`), unless a logged attempt of the same channel lies within
 *   {@link SAME_ATTEMPT_MS} of it: the rep logged the call and ticked the task, one attempt.
 *   Each logged attempt absorbs at most one task and each task merges at most once, the closest
 *   pairs first; the merged attempt keeps the logged time and outcome, or the task's outcome when
 *   only that one says the lead was reached.
 * - Records more than {@link CLOCK_SKEW_MS} before the lead's creation are ignored: they belong
 *   to an earlier life of the record (an import, a merge) and would give negative speeds to lead.
 *   Records with unreadable times are ignored.
 * - Reached: see `firstContact`. Failing any such record, `reachedByStatus` counts the lead
 *   reached at its last attempt (a status change follows a conversation), or with no attempt.
 */
export function attemptsOf(record: LeadRecord, options: AttemptsOfOptions = {}): LeadAttempts {
  const { createdAt } = record.lead;
  const earliest = Date.parse(createdAt) - CLOCK_SKEW_MS;
  const kept = (time: number): boolean => Number.isFinite(time) && !(time < earliest);
  const logged = record.activities.filter((a) => isAttempt(a) && kept(Date.parse(a.at)));
  const done = record.tasks.filter(
    (t) => t.status === 'completed' && isAttemptChannel(t.channel) && kept(doneAt(t)),
  );
  const attempts = mergeTasks(logged, done).sort((a, b) => a.time - b.time);
  const contacts = [
    ...record.activities.filter((a) => !isAttempt(a) && isReached(a.outcome)).map((a) => a.at),
    ...record.tasks
      .filter(
        (t) => t.status === 'completed' && !isAttemptChannel(t.channel) && isReached(t.outcome),
      )
      .map((t) => t.doneAt ?? t.dueAt),
  ]
    .map(Date.parse)
    .filter(kept);
  const reach = firstContact(attempts, contacts) ?? statusReach(attempts.length, options);
  return { createdAt, attempts: attempts.map(({ time: _, ...a }) => a), reach };
}

function statusReach(attempts: number, { reachedByStatus = false }: AttemptsOfOptions): Reach {
  if (!reachedByStatus) return { status: 'not_reached' };
  if (attempts === 0) return { status: 'reached_without_attempt', by: 'status' };
  return { status: 'reached', attempt: attempts, by: 'status' };
}

/** How many attempts the cadence makes at most, per channel: what "your number" compares to. */
export interface CadenceCap {
  readonly calls: number;
  readonly emails: number;
  /** Calls plus emails: other channels are not attempts in this report. */
  readonly total: number;
}

export function cadenceCap(cadence: Cadence): CadenceCap {
  const calls = cadence.steps.filter((s) => s.channel === 'call').length;
  const emails = cadence.steps.filter((s) => s.channel === 'email').length;
  return { calls, emails, total: calls + emails };
}
