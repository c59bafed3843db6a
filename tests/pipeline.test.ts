import { setTimeout as delay } from 'node:timers/promises';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type CrmConnector, CrmError } from '../connectors/crm-connector.port.ts';
import { createSandboxCrm } from '../connectors/sandbox/sandbox.connector.ts';
import { scheduleFrom } from '../src/config/schedule.ts';
import { createFollowUpPipeline, isDecided } from '../src/pipeline/follow-up.pipeline.ts';
import { testConfig } from './support/test-app.ts';

const now = () => Date.parse('2026-11-24T15:00:00.000Z');
const log = pino({ level: 'silent' });

/** The sandbox CRM answering slowly, as a real CRM over the network does. */
function slowSandbox() {
  const sandbox = createSandboxCrm(now);
  const connector: CrmConnector = {
    ...sandbox,
    async loadLeads(ids) {
      await delay(5);
      return sandbox.loadLeads(ids);
    },
    async applyChanges(changes) {
      await delay(5);
      return sandbox.applyChanges(changes);
    },
  };
  return { sandbox, connector };
}

function pipelineOn(connector: CrmConnector, env: Record<string, string> = {}) {
  const config = testConfig({ TIMEZONE: 'America/New_York', ...env });
  return createFollowUpPipeline({
    connector,
    cadence: config.cadence,
    schedule: scheduleFrom(config),
    callingRules: config.callingRules,
    now,
    dryRun: config.dryRun,
  });
}

describe('follow-up pipeline', () => {
  it('creates no twin tasks when deliveries for the same lead overlap', async () => {
    const { sandbox, connector } = slowSandbox();
    const pipeline = pipelineOn(connector);
    const lead = sandbox.createLead({ name: 'Race' });
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => pipeline.reconcile([lead.id], log)),
    );
    // Serialised per lead: the first delivery writes, the others find the tasks already there.
    expect(runs.flat().filter((o) => isDecided(o) && o.written)).toHaveLength(1);
    expect(sandbox.tasksOf(lead.id).map((t) => t.step)).toEqual([1, 2]);
  });

  it('handles many leads in one batch with one read and one write', async () => {
    const sandbox = createSandboxCrm(now);
    const calls = { load: 0, apply: 0 };
    const connector: CrmConnector = {
      ...sandbox,
      loadLeads: (ids) => {
        calls.load++;
        return sandbox.loadLeads(ids);
      },
      applyChanges: (changes) => {
        calls.apply++;
        return sandbox.applyChanges(changes);
      },
    };
    const ids = Array.from({ length: 20 }, (_, i) => sandbox.createLead({ name: `Lead ${i}` }).id);
    const outcomes = await pipelineOn(connector).reconcile(ids, log);
    expect(calls).toEqual({ load: 1, apply: 1 });
    expect(outcomes.every((o) => isDecided(o) && o.created === 2)).toBe(true);
  });

  it('reports unknown leads as not found and writes nothing for them', async () => {
    const sandbox = createSandboxCrm(now);
    const outcomes = await pipelineOn(sandbox).reconcile(['lead-404'], log);
    expect(outcomes).toEqual([{ leadId: 'lead-404', found: false }]);
  });

  it('changes nothing when a delivery is repeated', async () => {
    const sandbox = createSandboxCrm(now);
    const pipeline = pipelineOn(sandbox);
    const lead = sandbox.createLead({ name: 'Again' });
    await pipeline.reconcile([lead.id], log);
    const before = sandbox.tasksOf(lead.id);
    const [again] = await pipeline.reconcile([lead.id, lead.id], log);
    expect(again).toMatchObject({ found: true, created: 0, closed: 0, written: false });
    expect(sandbox.tasksOf(lead.id)).toEqual(before);
  });

  it('writes the rest of a batch when the CRM refuses one lead, and reports that lead', async () => {
    const sandbox = createSandboxCrm(now);
    const ids = ['Ann', 'Bad', 'Cat', 'Dan'].map((name) => sandbox.createLead({ name }).id);
    const bad = ids[1];
    const connector: CrmConnector = {
      ...sandbox,
      async applyChanges(changes) {
        // HubSpot and Salesforce validate a batch whole: one bad record refuses all of it.
        if (changes.some((c) => c.leadId === bad)) {
          throw new CrmError('INVALID_OWNER_ID', { code: 'crm_rejected', retryable: false });
        }
        return sandbox.applyChanges(changes);
      },
    };
    const outcomes = await pipelineOn(connector).reconcile(ids, log);
    expect(outcomes.map((o) => ('failed' in o ? `${o.leadId}:failed` : o.leadId)).sort()).toEqual(
      [...ids.filter((id) => id !== bad), `${bad}:failed`].sort(),
    );
    for (const id of ids) expect(sandbox.tasksOf(id)).toHaveLength(id === bad ? 0 : 2);
  });

  it('removes twins another writer made, keeping the oldest task of each step', async () => {
    const sandbox = createSandboxCrm(now);
    const lead = sandbox.createLead({ name: 'Twin' });
    const closed: string[] = [];
    const connector: CrmConnector = {
      ...sandbox,
      async applyChanges(changes) {
        for (const c of changes) for (const x of c.close) closed.push(x.taskId);
        return sandbox.applyChanges(changes);
      },
      // The re-read after writing shows what a replica wrote meanwhile: a younger twin of each.
      async loadTasks(leadIds) {
        const tasks = await sandbox.loadTasks(leadIds);
        return new Map(
          [...tasks].map(([id, own]) => [
            id,
            [
              ...own.map((task) => ({
                ...task,
                id: `${task.id}-twin`,
                createdAt: '2099-01-01T00:00:00.000Z',
              })),
              ...own,
            ],
          ]),
        );
      },
    };
    const [outcome] = await pipelineOn(connector).reconcile([lead.id], log);
    const originals = sandbox.tasksOf(lead.id).map((t) => t.id);
    expect(closed.sort()).toEqual(originals.map((id) => `${id}-twin`).sort());
    expect(outcome).toMatchObject({ created: 2, closed: 2 });
  });
});
