import type { CadenceTask, Channel, Outcome } from '../../src/engine/types.ts';
import type { CrmConnector, LeadChanges, LeadRecord } from '../crm-connector.port.ts';
import { completionLine, readCompletion } from '../crm-mapping.ts';
import {
  type NewSandboxActivity,
  type NewSandboxLead,
  OPEN_STATUSES,
  type SandboxActivity,
  type SandboxLead,
  type SandboxLeadPatch,
  type SandboxTask,
} from './sandbox.types.ts';

export type CompleteResult =
  | { ok: true; task: SandboxTask }
  | { ok: false; code: 'task_not_found' | 'task_not_open' };

/** The embedded in-memory CRM: a connector plus the few writes a CRM user would make. */
export interface SandboxCrm extends CrmConnector {
  createLead(input: NewSandboxLead): SandboxLead;
  getLead(id: string): SandboxLead | undefined;
  listLeads(): SandboxLead[];
  /** How many leads it holds. */
  countLeads(): number;
  tasksOf(leadId: string): SandboxTask[];
  getTask(id: string): SandboxTask | undefined;
  updateLead(id: string, patch: SandboxLeadPatch): SandboxLead | undefined;
  completeTask(id: string, outcome: Outcome): CompleteResult;
  /** Logs a call or email on the lead, as a dialer or a rep would; `undefined`: no such lead. */
  logActivity(leadId: string, input: NewSandboxActivity): SandboxActivity | undefined;
  activitiesOf(leadId: string): SandboxActivity[];
}

function optedOut(lead: SandboxLead): Channel[] {
  return [
    ...(lead.doNotCall ? (['call', 'sms'] as const) : []),
    ...(lead.emailOptOut ? (['email'] as const) : []),
  ];
}

function toCadenceTask(t: SandboxTask): CadenceTask {
  // A task completed from a logged attempt was done when the attempt was made.
  const logged = t.status === 'completed' ? readCompletion(t.body) : undefined;
  const doneAt = logged?.doneAt ?? t.completedAt ?? t.closedAt;
  return {
    id: t.id,
    cadenceId: t.cadenceId,
    step: t.step,
    channel: t.channel,
    status: t.status,
    createdAt: t.createdAt,
    dueAt: t.dueAt,
    reminderAt: t.reminderAt,
    title: t.subject,
    ...(doneAt === undefined ? {} : { doneAt }),
    ...(logged === undefined ? {} : { credit: logged.credit }),
    ...(t.outcome === undefined ? {} : { outcome: t.outcome }),
    ...(t.ownerId === undefined ? {} : { ownerId: t.ownerId }),
  };
}

function toRecord(
  lead: SandboxLead,
  tasks: readonly SandboxTask[],
  activities: readonly SandboxActivity[],
): LeadRecord {
  const { id, name, company, ownerId, createdAt, timezone, phone, country, state } = lead;
  return {
    lead: {
      id,
      name,
      createdAt,
      ...(company === undefined ? {} : { company }),
      ...(ownerId === undefined ? {} : { ownerId }),
      ...(timezone === undefined ? {} : { timezone }),
      ...(phone === undefined ? {} : { phone }),
      ...(country === undefined ? {} : { country }),
      ...(state === undefined ? {} : { state }),
      isOpen: OPEN_STATUSES.has(lead.status),
      converted: lead.status === 'converted',
      contacted: lead.status === 'qualified' || lead.status === 'converted',
      optedOut: optedOut(lead),
    },
    tasks: tasks.map(toCadenceTask),
    activities: activities.map(({ id, channel, at, outcome }) => ({ id, channel, at, outcome })),
  };
}

/** Creates an empty sandbox CRM; `now` is its clock, for timestamps it records. */
export function createSandboxCrm(now: () => number): SandboxCrm {
  const leads = new Map<string, SandboxLead>();
  const tasks = new Map<string, SandboxTask>();
  const activities = new Map<string, SandboxActivity[]>();
  const sequences = { lead: 0, task: 0, activity: 0 };
  const nextId = (kind: keyof typeof sequences) => `${kind}-${++sequences[kind]}`;
  const activitiesOf = (leadId: string) => activities.get(leadId) ?? [];
  const iso = () => new Date(now()).toISOString();
  // Task ids per lead, so reading one lead's tasks does not scan every task ever written.
  const taskIdsByLead = new Map<string, string[]>();
  const tasksOf = (leadId: string): SandboxTask[] =>
    (taskIdsByLead.get(leadId) ?? []).flatMap((id) => tasks.get(id) ?? []);

  function apply(changes: LeadChanges): void {
    const {
      leadId,
      create,
      close,
      complete = [],
      reassign,
      retitle = [],
      reschedule = [],
    } = changes;
    // A task this service closed is gone as far as the cadence goes (HubSpot and Salesforce
    // delete it): its step may be created again when the cadence resumes.
    const existingKeys = new Set(
      tasksOf(leadId)
        .filter((t) => t.status !== 'closed')
        .map((t) => t.stepKey),
    );
    for (const d of create) {
      if (existingKeys.has(d.stepKey)) continue;
      const id = nextId('task');
      const { stepKey, cadenceId, step, channel, title, body, priority, dueAt, reminderAt } = d;
      tasks.set(id, {
        id,
        leadId,
        stepKey,
        cadenceId,
        step,
        channel,
        status: 'open',
        subject: title,
        body,
        priority,
        dueAt,
        reminderAt,
        createdAt: iso(),
        ...(d.ownerId === undefined ? {} : { ownerId: d.ownerId }),
      });
      const ids = taskIdsByLead.get(leadId);
      if (ids) ids.push(id);
      else taskIdsByLead.set(leadId, [id]);
      existingKeys.add(stepKey);
    }
    for (const { taskId, reason } of close) {
      const task = tasks.get(taskId);
      if (task?.status !== 'open') continue;
      tasks.set(taskId, { ...task, status: 'closed', closedAt: iso(), closeReason: reason });
    }
    for (const done of complete) {
      const task = tasks.get(done.taskId);
      if (task?.status !== 'open') continue;
      const body = `${task.body}\n\n${completionLine(done)}`;
      const completedAt = iso();
      tasks.set(task.id, {
        ...task,
        status: 'completed',
        completedAt,
        outcome: done.outcome,
        body,
      });
    }
    for (const { taskId, ownerId } of reassign) {
      const task = tasks.get(taskId);
      if (task?.status === 'open') tasks.set(taskId, { ...task, ownerId });
    }
    for (const { taskId, title } of retitle) {
      const task = tasks.get(taskId);
      if (task?.status === 'open') tasks.set(taskId, { ...task, subject: title });
    }
    // The reminder moves with the due time; the line saying why goes below the task's text.
    for (const { taskId, dueAt, note } of reschedule) {
      const task = tasks.get(taskId);
      if (task?.status !== 'open') continue;
      const body = `${task.body}\n\n${note}`;
      tasks.set(taskId, { ...task, dueAt, reminderAt: dueAt, body });
    }
  }

  return {
    name: 'sandbox',
    async loadLeads(ids) {
      const records = new Map<string, LeadRecord>();
      for (const id of ids) {
        const lead = leads.get(id);
        if (lead) records.set(id, toRecord(lead, tasksOf(id), activitiesOf(id)));
      }
      return records;
    },
    async applyChanges(changes) {
      for (const change of changes) apply(change);
      return [];
    },
    async leadsOfActivities(refs) {
      const logged = new Map([...activities.values()].flat().map((a) => [a.id, a.leadId]));
      const ids = refs.flatMap((ref) => {
        const leadId = ref.kind === 'task' ? tasks.get(ref.id)?.leadId : logged.get(ref.id);
        return leadId === undefined ? [] : [leadId];
      });
      return [...new Set(ids)];
    },
    async loadTasks(leadIds) {
      return new Map(leadIds.map((id) => [id, tasksOf(id).map(toCadenceTask)]));
    },
    async *leadsTouchedSince(since) {
      const from = Date.parse(since);
      const after = (at: string | undefined) => at !== undefined && Date.parse(at) >= from;
      const touched = new Set<string>();
      for (const lead of leads.values()) if (after(lead.updatedAt)) touched.add(lead.id);
      for (const t of tasks.values()) {
        if (after(t.createdAt) || after(t.completedAt) || after(t.closedAt)) touched.add(t.leadId);
      }
      for (const a of [...activities.values()].flat()) if (after(a.loggedAt)) touched.add(a.leadId);
      yield [...touched];
    },
    async *leadsCreatedBetween(since, until) {
      const [from, to] = [Date.parse(since), Date.parse(until)];
      yield [...leads.values()]
        .filter((lead) => Date.parse(lead.createdAt) >= from && Date.parse(lead.createdAt) < to)
        .map((lead) => lead.id);
    },
    typicalRequests: 0,
    async isReady() {
      return true;
    },
    async close() {},
    createLead(input) {
      const lead: SandboxLead = {
        status: 'new',
        doNotCall: false,
        emailOptOut: false,
        ...input,
        id: nextId('lead'),
        createdAt: iso(),
        updatedAt: iso(),
      };
      leads.set(lead.id, lead);
      return lead;
    },
    getLead: (id) => leads.get(id),
    listLeads: () => [...leads.values()],
    countLeads: () => leads.size,
    tasksOf,
    getTask: (id) => tasks.get(id),
    updateLead(id, patch) {
      const lead = leads.get(id);
      if (!lead) return undefined;
      const updated = { ...lead, ...patch, updatedAt: iso() };
      leads.set(id, updated);
      return updated;
    },
    completeTask(id, outcome) {
      const task = tasks.get(id);
      if (!task) return { ok: false, code: 'task_not_found' };
      if (task.status !== 'open') return { ok: false, code: 'task_not_open' };
      const done: SandboxTask = { ...task, status: 'completed', completedAt: iso(), outcome };
      tasks.set(id, done);
      return { ok: true, task: done };
    },
    logActivity(leadId, input) {
      if (!leads.has(leadId)) return undefined;
      const loggedAt = iso();
      const activity = {
        ...input,
        at: input.at ?? loggedAt,
        id: nextId('activity'),
        leadId,
        loggedAt,
      };
      activities.set(leadId, [...activitiesOf(leadId), activity]);
      return activity;
    },
    activitiesOf,
  };
}
