import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SandboxCrm } from '../../connectors/sandbox/sandbox.connector.ts';
import { SANDBOX_STATUSES, type SandboxLead } from '../../connectors/sandbox/sandbox.types.ts';
import {
  CHANNELS,
  type Channel,
  OUTCOMES,
  OUTCOMES_BY_CHANNEL,
  type Outcome,
} from '../engine/types.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import {
  type FollowUpPipeline,
  isDecided,
  type LeadOutcome,
} from '../pipeline/follow-up.pipeline.ts';
import { ianaZone } from '../timezone/zone-name.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * What the sandbox holds at most: it lives in the process's memory, and the image's routes are
 * open wherever it is reachable (a demo on a public port), so it must not grow until the
 * process runs out of memory. 20,000 leads (about two tasks each) is the benchmark's fill.
 */
export const SANDBOX_MAX_LEADS = 20_000;
/** Logged calls and emails per sandbox lead, at most: six calls and five emails are a cadence. */
export const SANDBOX_MAX_ACTIVITIES = 1_000;

const newLead = z
  .object({
    name: text(200),
    company: text(200).optional(),
    email: z.email().max(254).optional(),
    phone: text(64).optional(),
    timezone: ianaZone('must be an IANA time zone such as Europe/Paris').optional(),
    country: text(64).optional(),
    state: text(64).optional(),
    ownerId: text(64).optional(),
    status: z.enum(SANDBOX_STATUSES).optional(),
    doNotCall: z.boolean().optional(),
    emailOptOut: z.boolean().optional(),
  })
  .strict();

// A rep corrects a number or fills in a place, as in any CRM: the open calls follow the window.
const leadPatch = z
  .object({
    phone: text(64).optional(),
    timezone: ianaZone('must be an IANA time zone such as Europe/Paris').optional(),
    country: text(64).optional(),
    state: text(64).optional(),
    ownerId: text(64).optional(),
    status: z.enum(SANDBOX_STATUSES).optional(),
    doNotCall: z.boolean().optional(),
    emailOptOut: z.boolean().optional(),
  })
  .strict()
  .refine(
    (p) => Object.keys(p).length > 0,
    'give at least one of phone, timezone, country, state, ownerId, status, doNotCall, emailOptOut',
  );

const completion = z.object({ outcome: z.enum(OUTCOMES).optional() }).strict();
const loggedActivity = z
  .object({
    channel: z.enum(CHANNELS),
    outcome: z.enum(OUTCOMES).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
/** A dialer's clock may run a little ahead; an attempt further in the future is a mistake. */
const FUTURE_SKEW_MS = 60_000;
const idParams = z.object({ id: z.string().min(1).max(64) });

/** "an email task", "an sms activity", "a call task". */
const ARTICLE: Record<Channel, string> = {
  call: 'a',
  email: 'an',
  sms: 'an',
  social: 'a',
  task: 'a',
};

/** The outcome a completion records: one its channel can have; a call must say which. */
function outcomeFor(channel: Channel, outcome: Outcome | undefined, what = 'task'): Outcome {
  const allowed = OUTCOMES_BY_CHANNEL[channel];
  if (outcome === undefined && channel === 'call') {
    throw new HttpError(
      400,
      'outcome_required',
      `A call needs an outcome: one of ${allowed.join(', ')}`,
    );
  }
  if (outcome !== undefined && !allowed.includes(outcome)) {
    throw new HttpError(
      400,
      'outcome_not_for_channel',
      `"${outcome}" is not an outcome of ${ARTICLE[channel]} ${channel} ${what}: use one of ${allowed.join(', ')}`,
    );
  }
  return outcome ?? 'sent';
}

function cadenceView(outcome: LeadOutcome | undefined) {
  if (!isDecided(outcome)) return undefined;
  const { state, timezone, timezoneSource, candidates, usState } = outcome;
  return { ...state, timezone, timezoneSource, candidates, ...(usState ? { usState } : {}) };
}

export async function sandboxRoutes(
  app: FastifyInstance,
  {
    sandbox,
    pipeline,
    now,
  }: { sandbox: SandboxCrm; pipeline: FollowUpPipeline; now: () => number },
) {
  // One shape for every answer about a lead: the lead, its cadence state and its tasks.
  const view = (lead: SandboxLead, outcome: LeadOutcome | undefined) => ({
    ...lead,
    cadence: cadenceView(outcome),
    tasks: sandbox.tasksOf(lead.id),
  });
  /** Reads decide without writing: what is due but not yet written waits for the next event. */
  const inspected = async (leads: readonly SandboxLead[]) => {
    const outcomes = await pipeline.inspect(leads.map((lead) => lead.id));
    return leads.map((lead, i) => view(lead, outcomes[i]));
  };
  const leadOr404 = (id: string) => {
    const lead = sandbox.getLead(id);
    if (!lead) throw new HttpError(404, 'lead_not_found', `No sandbox lead ${id}`);
    return lead;
  };

  app.post('/sandbox/leads', async (request, reply) => {
    const input = parseInput(newLead, request.body, 'lead');
    if (sandbox.countLeads() >= SANDBOX_MAX_LEADS) {
      throw new HttpError(
        409,
        'sandbox_full',
        `The sandbox holds ${SANDBOX_MAX_LEADS} leads, its most; restart the service to empty it`,
      );
    }
    const lead = sandbox.createLead(input);
    const [outcome] = await pipeline.reconcile([lead.id], request.log);
    return reply.code(201).send(view(lead, outcome));
  });

  app.get('/sandbox/leads', async () => ({ leads: await inspected(sandbox.listLeads()) }));

  app.get('/sandbox/leads/:id', async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const [lead] = await inspected([leadOr404(id)]);
    return lead;
  });

  app.patch('/sandbox/leads/:id', async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const patch = parseInput(leadPatch, request.body, 'lead update');
    // Only an unknown lead comes back undefined: that answers 404 and writes nothing.
    const lead = sandbox.updateLead(id, patch) ?? leadOr404(id);
    const [outcome] = await pipeline.reconcile([id], request.log);
    return view(lead, outcome);
  });

  app.post('/sandbox/tasks/:id/complete', async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const { outcome } = parseInput(completion, request.body ?? {}, 'task completion');
    const task = sandbox.getTask(id);
    if (!task) throw new HttpError(404, 'task_not_found', `No sandbox task ${id}`);
    const result = sandbox.completeTask(id, outcomeFor(task.channel, outcome));
    if (!result.ok) throw new HttpError(409, result.code, `Task ${id} is ${task.status}, not open`);
    const [decided] = await pipeline.reconcile([task.leadId], request.log);
    return { task: result.task, lead: view(leadOr404(task.leadId), decided) };
  });

  // A call or email logged outside the task list, as a dialer or the CRM's email extension would.
  app.post('/sandbox/leads/:id/activities', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const input = parseInput(loggedActivity, request.body, 'activity');
    const outcome = outcomeFor(input.channel, input.outcome, 'activity');
    const at = input.at === undefined ? undefined : new Date(input.at).toISOString();
    if (at !== undefined && Date.parse(at) > now() + FUTURE_SKEW_MS) {
      throw new HttpError(400, 'activity_in_future', 'at must not lie in the future');
    }
    leadOr404(id);
    if (sandbox.activitiesOf(id).length >= SANDBOX_MAX_ACTIVITIES) {
      throw new HttpError(
        409,
        'sandbox_full',
        `Lead ${id} holds ${SANDBOX_MAX_ACTIVITIES} logged activities, its most`,
      );
    }
    const activity = sandbox.logActivity(id, {
      channel: input.channel,
      outcome,
      ...(at ? { at } : {}),
    });
    const [decided] = await pipeline.reconcile([id], request.log);
    return reply.code(201).send({ activity, lead: view(leadOr404(id), decided) });
  });
}
