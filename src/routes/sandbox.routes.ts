import type { FastifyInstance } from 'fastify';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import type { SandboxCrm } from '../../connectors/sandbox/sandbox.connector.ts';
import { SANDBOX_STATUSES, type SandboxLead } from '../../connectors/sandbox/sandbox.types.ts';
import { OUTCOMES } from '../engine/types.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import {
  type FollowUpPipeline,
  isDecided,
  type LeadOutcome,
} from '../pipeline/follow-up.pipeline.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

const newLead = z
  .object({
    name: text(200),
    company: text(200).optional(),
    email: z.email().max(254).optional(),
    phone: text(64).optional(),
    timezone: z
      .string()
      .refine(
        (zone) => IANAZone.isValidZone(zone),
        'must be an IANA time zone such as Europe/Paris',
      )
      .optional(),
    country: text(64).optional(),
    state: text(64).optional(),
    ownerId: text(64).optional(),
    status: z.enum(SANDBOX_STATUSES).optional(),
    doNotCall: z.boolean().optional(),
    emailOptOut: z.boolean().optional(),
  })
  .strict();

const leadPatch = z
  .object({
    ownerId: text(64).optional(),
    status: z.enum(SANDBOX_STATUSES).optional(),
    doNotCall: z.boolean().optional(),
    emailOptOut: z.boolean().optional(),
  })
  .strict()
  .refine(
    (p) => Object.keys(p).length > 0,
    'give at least one of ownerId, status, doNotCall, emailOptOut',
  );

const completion = z.object({ outcome: z.enum(OUTCOMES).optional() }).strict();
const idParams = z.object({ id: z.string().min(1).max(64) });

function cadenceView(outcome: LeadOutcome | undefined) {
  if (!isDecided(outcome)) return undefined;
  const { state, timezone, timezoneSource, candidates, usState } = outcome;
  return { ...state, timezone, timezoneSource, candidates, ...(usState ? { usState } : {}) };
}

export async function sandboxRoutes(
  app: FastifyInstance,
  { sandbox, pipeline }: { sandbox: SandboxCrm; pipeline: FollowUpPipeline },
) {
  const view = (lead: SandboxLead, outcome?: LeadOutcome) => ({
    ...lead,
    ...(outcome ? { cadence: cadenceView(outcome) } : {}),
    tasks: sandbox.tasksOf(lead.id),
  });
  const leadOr404 = (id: string) => {
    const lead = sandbox.getLead(id);
    if (!lead) throw new HttpError(404, 'lead_not_found', `No sandbox lead ${id}`);
    return lead;
  };

  app.post('/sandbox/leads', async (request, reply) => {
    const input = parseInput(newLead, request.body, 'lead');
    const lead = sandbox.createLead(input);
    const [outcome] = await pipeline.reconcile([lead.id], request.log);
    return reply.code(201).send(view(lead, outcome));
  });

  app.get('/sandbox/leads', async () => ({ leads: sandbox.listLeads().map((l) => view(l)) }));

  app.get('/sandbox/leads/:id', async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    return view(leadOr404(id));
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
    if (task.channel === 'call' && outcome === undefined) {
      throw new HttpError(
        400,
        'outcome_required',
        'A call needs an outcome, e.g. "no_answer" or "connected"',
      );
    }
    const result = sandbox.completeTask(id, outcome ?? 'sent');
    if (!result.ok) throw new HttpError(409, result.code, `Task ${id} is ${task.status}, not open`);
    const [decided] = await pipeline.reconcile([task.leadId], request.log);
    return { task: result.task, lead: view(leadOr404(task.leadId), decided) };
  });
}
