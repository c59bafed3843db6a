import { describe, expect, it } from 'vitest';
import { cadenceTaskFrom as hubspotTask } from '../../connectors/hubspot/hubspot.mapping.ts';
import {
  type SalesforceTask,
  cadenceTaskFrom as salesforceTask,
} from '../../connectors/salesforce/salesforce.mapping.ts';
import { closedAfterEach } from '../support/closed-after-each.ts';
import { contactCreated, hubspotEvent, startHubSpotApp } from '../support/hubspot-app.ts';
import { outboundMessage, startSalesforceApp } from '../support/salesforce-app.ts';
import { FIRST_STEPS, TUESDAY_10AM } from './expected.ts';

/** Races, not rate limits: the bursts here would otherwise be shed (see rate-limits.test.ts). */
const UNLIMITED = { CRM_RATE_LIMIT: '0' };

const track = closedAfterEach();
/** Dozens of deliveries at once: seconds on a loaded 2-core machine, where 5 s timed out once. */
const SLOW_MACHINE_MS = 30_000;

const created = contactCreated;

async function allOk(responses: Promise<Response>[]) {
  for (const response of await Promise.all(responses)) {
    expect(response.status, await response.text()).toBe(200);
  }
}

describe('concurrent deliveries for the same leads', { timeout: SLOW_MACHINE_MS }, () => {
  it('HubSpot, one process: a retry overlapping the original and a status change make no twin', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM, UNLIMITED));
    const ids = Array.from({ length: 30 }, (_, i) =>
      t.emulator.createContact({ firstname: `Race${i}`, hubspot_owner_id: '101' }),
    );
    const statusChange = (id: string) =>
      hubspotEvent({
        subscriptionType: 'contact.propertyChange',
        objectId: Number(id),
        propertyName: 'hs_lead_status',
        propertyValue: 'OPEN',
      });
    for (const id of ids) t.emulator.updateContact(id, { hs_lead_status: 'OPEN' });
    await allOk([
      t.deliver(ids.map(created)),
      t.deliver(ids.map(created)),
      t.deliver(ids.map(statusChange)),
      ...ids.map((id) => t.deliver([created(id)])),
    ]);
    for (const id of ids) {
      const live = t.emulator.tasksOf(id).flatMap((task) => hubspotTask(task) ?? []);
      expect(live.map((task) => `${task.step}:${task.status}`).sort()).toEqual(FIRST_STEPS);
    }
    // The per-lead lock prevented the twins: none had to be removed.
    expect(ids.flatMap((id) => t.emulator.tasksOf(id, { archived: true }))).toHaveLength(
      ids.length * 2,
    );
  });

  it('HubSpot, two replicas: twins made by the race are found after writing and removed', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM, UNLIMITED));
    const replica = await t.addReplica();
    const ids = Array.from({ length: 40 }, (_, i) =>
      t.emulator.createContact({ firstname: `Replica${i}`, hubspot_owner_id: '101' }),
    );
    await allOk(ids.flatMap((id) => [t.deliver([created(id)]), replica([created(id)])]));
    let removed = 0;
    for (const id of ids) {
      const all = t.emulator.tasksOf(id, { archived: true });
      const live = t.emulator.tasksOf(id).flatMap((task) => hubspotTask(task) ?? []);
      expect(live.map((task) => `${task.step}:${task.status}`).sort(), `contact ${id}`).toEqual(
        FIRST_STEPS,
      );
      removed += all.length - live.length;
    }
    // The replicas did race (each wrote its own tasks before seeing the other's).
    expect(removed).toBeGreaterThan(0);
  });

  it('Salesforce, two replicas: no twin survives', async () => {
    const t = track(await startSalesforceApp(TUESDAY_10AM, UNLIMITED));
    const replica = await t.addReplica();
    const ids = Array.from({ length: 40 }, (_, i) =>
      t.emulator.createLead({ LastName: `Replica${i}`, Company: 'Race' }),
    );
    const message = (id: string) =>
      outboundMessage(t.emulator.orgId, [{ type: 'Lead', fields: { Id: id } }]);
    await allOk(ids.flatMap((id) => [t.outbound(message(id)), replica(message(id))]));
    for (const id of ids) {
      const live = t.emulator
        .tasksOf(id)
        .flatMap((task) => salesforceTask(task as unknown as SalesforceTask) ?? []);
      expect(live.map((task) => `${task.step}:${task.status}`).sort(), `lead ${id}`).toEqual(
        FIRST_STEPS,
      );
    }
  });
});
