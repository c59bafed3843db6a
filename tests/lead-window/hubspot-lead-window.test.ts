import { afterEach, describe, expect, it } from 'vitest';
import type { StoredObject } from '../emulators/hubspot-emulator.ts';
import {
  contactCreated,
  type HubSpotTestApp,
  hubspotEvent,
  startHubSpotApp,
} from '../support/hubspot-app.ts';

// Friday 2026-12-04, 18:00 in New York: after the team's hours, call 1 waits for Monday.
const FRIDAY_6PM = '2026-12-04T23:00:00.000Z';
// Monday 2026-12-07, 09:00 in New York (06:00 in Los Angeles) and 08:00 in Los Angeles.
const MONDAY_9AM_NY = '2026-12-07T14:00:00.000Z';
const MONDAY_8AM_LA = '2026-12-07T16:00:00.000Z';
// From Friday 18:00 to Saturday 10:00 in New York.
const TO_SATURDAY = 16 * 60;
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const MOVED =
  "Moved from 06:00 to 08:00 Los Angeles time (Mon 7 Dec; 11:00 in New York): the lead's calling window changed since this task was written (the lead is now read in Los Angeles time), and 06:00 is outside it.";

let t: HubSpotTestApp;
afterEach(async () => {
  await t?.close();
});

const callTask = (id: string): StoredObject | undefined =>
  t.emulator.tasksOf(id).find((task) => task.properties.hs_task_type === 'CALL');
const writes = (from: number) =>
  t.emulator.requests
    .slice(from)
    .filter((r) => /batch\/(create|update|archive)/.test(r.path))
    .map((r) => r.path);

async function newLead(properties: Record<string, string>): Promise<string> {
  t = await startHubSpotApp(FRIDAY_6PM, { ADMIN_TOKEN });
  const id = t.emulator.createContact({ firstname: 'Jane', lastname: 'Doe', ...properties });
  expect((await t.deliver([contactCreated(id)])).status).toBe(200);
  return id;
}

/** A rep edits the contact; HubSpot announces the change. Returns the delivery's answer. */
async function edit(id: string, propertyName: string, propertyValue: string) {
  t.emulator.updateContact(id, { [propertyName]: propertyValue });
  const event = hubspotEvent({
    subscriptionType: 'contact.propertyChange',
    objectId: Number(id),
    propertyName,
    propertyValue,
  });
  const res = await t.deliver([event]);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('HubSpot: an open call when the lead’s calling window changes', () => {
  it('moves call 1 in place to 08:00 Los Angeles when the phone is corrected to +1 213: one write, then none', async () => {
    const id = await newLead({ phone: '+1 212 555 0100' });
    // A copy: the emulator changes its stored objects in place.
    const before = structuredClone(callTask(id));
    expect(before?.properties.hs_timestamp).toBe(MONDAY_9AM_NY);
    t.advance(TO_SATURDAY);
    t.emulator.updateContact(id, { phone: '+1 213 555 0100' });

    // GET /leads/:id/decision shows the move and writes nothing.
    const at = t.emulator.requests.length;
    const view = await fetch(`${t.serviceUrl}/leads/${id}/decision`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await view.json()) as { decision: unknown }).decision).toMatchObject({
      reschedule: [{ taskId: before?.id, dueAt: MONDAY_8AM_LA, note: MOVED }],
    });
    expect(writes(at)).toEqual([]);

    const from = t.emulator.requests.length;
    const answer = await edit(id, 'phone', '+1 213 555 0100');
    expect(answer).toMatchObject({ rescheduled: 1, created: 0, closed: 0, completed: 0 });
    // The same task: due time and reminder moved, the line saying why below its text.
    expect(callTask(id)?.properties).toEqual({
      ...before?.properties,
      hs_timestamp: MONDAY_8AM_LA,
      hs_task_reminders: String(Date.parse(MONDAY_8AM_LA)),
      hs_task_body: `${before?.properties.hs_task_body}<p>${MOVED}</p>`,
      hs_lastmodifieddate: expect.any(String),
    });
    expect(writes(from)).toEqual(['/crm/objects/2026-09/tasks/batch/update']);

    // HubSpot redelivers the event: the due time is lawful now, nothing is written.
    const again = t.emulator.requests.length;
    expect(await edit(id, 'phone', '+1 213 555 0100')).toMatchObject({
      rescheduled: 0,
      unchanged: 1,
    });
    expect(writes(again)).toEqual([]);
  });

  it('gives a task its new owner and its new due time in one write', async () => {
    const id = await newLead({ phone: '+1 212 555 0100', hubspot_owner_id: '101' });
    t.emulator.owners.add('101').add('102');
    t.advance(TO_SATURDAY);
    // The lead moves to another rep, and its number is corrected, before one event arrives.
    t.emulator.updateContact(id, { hubspot_owner_id: '102' });
    const from = t.emulator.requests.length;
    const answer = await edit(id, 'phone', '+1 213 555 0100');
    expect(answer).toMatchObject({ rescheduled: 1, created: 0 });
    expect(answer.reassigned).toBeGreaterThan(0);
    expect(callTask(id)?.properties).toMatchObject({
      hubspot_owner_id: '102',
      hs_timestamp: MONDAY_8AM_LA,
    });
    expect(writes(from)).toEqual(['/crm/objects/2026-09/tasks/batch/update']);
  });

  it('leaves a call due outside the team’s hours but inside the lead’s window where it is', async () => {
    // A Tokyo lead's window never meets the New York team's hours: call 1 is due at 08:00 in
    // Tokyo, 18:00 in New York. Read in Seoul instead (the same clock), it is as lawful.
    const id = await newLead({ phone: '+81 3 1234 5678' });
    const before = structuredClone(callTask(id));
    expect(before?.properties.hs_task_body).toMatch(/Outside your hours: 08:00 in Tokyo/);
    t.advance(TO_SATURDAY);
    const from = t.emulator.requests.length;
    expect(await edit(id, 'phone', '+82 2 1234 5678')).toMatchObject({ rescheduled: 0 });
    expect(callTask(id)?.properties.hs_timestamp).toBe(before?.properties.hs_timestamp);
    expect(writes(from)).toEqual([]);
  });

  it('leaves a call past due alone while the lead’s window is open: the rep works it now', async () => {
    const id = await newLead({ phone: '+1 212 555 0100' });
    // Monday 10:30 in Los Angeles: call 1 became due at 06:00 there, and the window is open.
    t.advance(TO_SATURDAY + 51 * 60 + 30);
    const before = structuredClone(callTask(id));
    expect(await edit(id, 'phone', '+1 213 555 0100')).toMatchObject({ rescheduled: 0 });
    expect(callTask(id)?.properties).toEqual(before?.properties);
  });
});
