import { afterEach, describe, expect, it } from 'vitest';
import { CALL_DISPOSITIONS, type StoredObject } from '../emulators/hubspot-emulator.ts';
import {
  callLogged,
  contactCreated,
  type HubSpotTestApp,
  objectEvent,
  startHubSpotApp,
} from '../support/hubspot-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const MINUTE = 60_000;
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/** The parts of `GET /leads/:id/decision` these tests read. */
interface DecisionBody {
  snapshot: { activities: unknown[]; tasks: unknown[] };
  decision: { complete: unknown[]; create: { why: string }[] };
}

let t: HubSpotTestApp;
afterEach(async () => {
  await t?.close();
});

const callTasks = (id: string): StoredObject[] =>
  t.emulator
    .tasksOf(id)
    .filter((task) => task.properties.hs_task_type === 'CALL')
    .sort((a, b) => Number(a.id) - Number(b.id));

async function newLead(start = TUESDAY_10AM, more: Record<string, string> = {}): Promise<string> {
  t = await startHubSpotApp(start, { ADMIN_TOKEN });
  const id = t.emulator.createContact({
    firstname: 'Jane',
    lastname: 'Doe',
    phone: '+1 212 555 0100',
    ...more,
  });
  expect((await t.deliver([contactCreated(id)])).status).toBe(200);
  return id;
}

/** A call the dialer logs on the contact, then HubSpot's `0-48` creation event for it. */
async function logCall(id: string, at: number, disposition = CALL_DISPOSITIONS.noAnswer) {
  const call = t.emulator.logCall(id, {
    hs_timestamp: new Date(at).toISOString(),
    hs_call_disposition: disposition,
  });
  const res = await t.deliver([callLogged(call)]);
  expect(res.status).toBe(200);
  return { call, summary: (await res.json()) as Record<string, number> };
}

describe('HubSpot: a call logged outside the task list moves the cadence on', () => {
  it('completes call 1 with the outcome noted and opens call 2 30-60 minutes after the call', async () => {
    const id = await newLead();
    t.advance(3);
    const at = t.now() - MINUTE;
    const before = t.emulator.requests.length;
    const { call, summary } = await logCall(id, at);
    expect(summary).toMatchObject({ completed: 1, created: 1, closed: 0 });
    // The call's contact, the contact with its associations, its tasks, its calls, the create,
    // the completion and the twin check: the completion reuses the task text already read.
    const requests = t.emulator.requests.slice(before).map((r) => r.path);
    expect(
      requests.filter((path) => path === '/crm/objects/2026-09/tasks/batch/read'),
    ).toHaveLength(1);
    expect(requests).toHaveLength(7);
    const [first, second, ...rest] = callTasks(id);
    expect(rest).toEqual([]);
    expect(first?.properties.hs_task_status).toBe('COMPLETED');
    // The text is written back whole, with the logged attempt added after the marker line.
    expect(first?.properties.hs_task_body).toMatch(
      new RegExp(
        `^<p>Call now\\..*call step ${id}:research-default:1 .*</p><p>Lead follow-up: done by the logged call ${call} at ${new Date(at).toISOString()}, outcome no_answer`,
      ),
    );
    expect(second?.properties.hs_task_status).toBe('NOT_STARTED');
    expect(second?.properties.hs_task_subject).toMatch(/^Call 2 of 6/);
    expect(Number(second?.properties.hs_task_reminders) - at).toBe(30 * MINUTE);
    expect(Date.parse(second?.properties.hs_timestamp ?? '') - at).toBe(60 * MINUTE);

    // HubSpot redelivers the event: the call is spent, nothing changes.
    const again = await t.deliver([callLogged(call)]);
    expect(await again.json()).toMatchObject({ completed: 0, created: 0, closed: 0 });
    expect(callTasks(id)).toHaveLength(2);
  });

  it('writes call 2, not call 1, when the rep called before the service saw the new contact', async () => {
    t = await startHubSpotApp(TUESDAY_10AM, { ADMIN_TOKEN });
    const id = t.emulator.createContact({ firstname: 'Jane', phone: '+1 212 555 0100' });
    const at = t.now();
    t.emulator.logCall(id, {
      hs_timestamp: new Date(at).toISOString(),
      hs_call_disposition: CALL_DISPOSITIONS.noAnswer,
    });
    t.advance(2);
    expect((await t.deliver([contactCreated(id)])).status).toBe(200);
    const [only, ...rest] = callTasks(id);
    expect(rest).toEqual([]);
    expect(only?.properties.hs_task_subject).toMatch(/^Call 2 of 6/);
    expect(Date.parse(only?.properties.hs_timestamp ?? '') - at).toBe(60 * MINUTE);
  });

  it('does not complete the open step with a call made long before it became due', async () => {
    const id = await newLead();
    await logCall(id, t.now());
    t.advance(5);
    const { summary } = await logCall(id, t.now());
    expect(summary).toMatchObject({ completed: 0, created: 0 });
    expect(callTasks(id).map((task) => task.properties.hs_task_status)).toEqual([
      'COMPLETED',
      'NOT_STARTED',
    ]);
  });

  it('retitles the open call in place when the dialer logs calls while it waits: "Call 4 of 6", same task, text and due time', async () => {
    // Wednesday 2026-12-02, 10:00 in New York.
    const id = await newLead('2026-12-02T15:00:00.000Z', { company: 'Acme' });
    t.advance(2);
    const start = t.now();
    await logCall(id, start);
    // A copy: the emulator changes its stored objects in place.
    const second = structuredClone(callTasks(id)[1]);
    expect(second?.properties.hs_task_subject).toBe('Call 2 of 6 — Jane Doe (Acme)');
    // 10:10 and 10:12: too early to be call 2's attempt, yet the second and third calls.
    t.advance(8);
    expect((await logCall(id, t.now())).summary).toMatchObject({ retitled: 1, created: 0 });
    t.advance(2);
    const before = t.emulator.requests.length;
    const { call, summary } = await logCall(id, t.now());
    expect(summary).toMatchObject({ retitled: 1, created: 0, completed: 0, closed: 0 });
    const open = callTasks(id).filter((task) => task.properties.hs_task_status !== 'COMPLETED');
    expect(open.map((task) => task.id)).toEqual([second?.id]);
    expect(open[0]?.properties).toEqual({
      ...second?.properties,
      hs_task_subject: 'Call 4 of 6 — Jane Doe (Acme)',
      hs_lastmodifieddate: expect.any(String),
    });
    expect(Date.parse(open[0]?.properties.hs_timestamp ?? '') - start).toBe(60 * MINUTE);
    // One write: the subject, through the batch update that completions use.
    const written = t.emulator.requests
      .slice(before)
      .filter((r) => /batch\/(create|update|archive)/.test(r.path));
    expect(written.map((r) => r.path)).toEqual(['/crm/objects/2026-09/tasks/batch/update']);

    // HubSpot redelivers the event: the title is true now, nothing is written.
    const again = t.emulator.requests.length;
    const redelivered = await t.deliver([callLogged(call)]);
    expect(await redelivered.json()).toMatchObject({ retitled: 0, created: 0, unchanged: 1 });
    expect(t.emulator.requests.slice(again).filter((r) => /batch\/update/.test(r.path))).toEqual(
      [],
    );
  });

  it('gives a task a new owner and a true title in one write, and keeps the title when HubSpot refuses the owner', async () => {
    // Wednesday 2026-12-02, 10:00 in New York.
    const id = await newLead('2026-12-02T15:00:00.000Z', { hubspot_owner_id: '101' });
    t.emulator.owners.add('101').add('102');
    t.advance(2);
    await logCall(id, t.now());
    // The lead moves to another rep while the dialer logs a call too early for call 2.
    t.emulator.updateContact(id, { hubspot_owner_id: '102' });
    t.advance(8);
    const before = t.emulator.requests.length;
    const { summary } = await logCall(id, t.now());
    expect(summary).toMatchObject({ retitled: 1, reassigned: 2, created: 0 });
    const updates = t.emulator.requests.slice(before).filter((r) => /batch\/update/.test(r.path));
    expect(updates).toHaveLength(1);
    const open = t.emulator
      .tasksOf(id)
      .filter((task) => task.properties.hs_task_status !== 'COMPLETED');
    expect(open.map((task) => task.properties.hubspot_owner_id)).toEqual(['102', '102']);
    expect(callTasks(id)[1]?.properties.hs_task_subject).toBe('Call 3 of 6 — Jane Doe');

    // The new owner is deactivated before the next early call: the title still becomes true.
    t.emulator.owners.add('103');
    t.emulator.updateContact(id, { hubspot_owner_id: '103' });
    t.emulator.owners.delete('103');
    t.advance(2);
    const res = await t.deliver([
      callLogged(
        t.emulator.logCall(id, {
          hs_timestamp: new Date(t.now()).toISOString(),
          hs_call_disposition: CALL_DISPOSITIONS.noAnswer,
        }),
      ),
    ]);
    expect(res.status).toBe(200);
    expect(callTasks(id)[1]?.properties).toMatchObject({
      hs_task_subject: 'Call 4 of 6 — Jane Doe',
      hubspot_owner_id: '102',
    });
  });

  it('completes email 1 with an email sent from the Sales extension', async () => {
    const id = await newLead();
    t.advance(4);
    const email = t.emulator.logEmail(id, {
      hs_timestamp: new Date(t.now()).toISOString(),
      hs_email_direction: 'EMAIL',
    });
    const res = await t.deliver([objectEvent('email', 'creation', email)]);
    expect(await res.json()).toMatchObject({ completed: 1, created: 1 });
    const [first, second] = t.emulator
      .tasksOf(id)
      .filter((task) => task.properties.hs_task_type === 'EMAIL')
      .sort((a, b) => Number(a.id) - Number(b.id));
    expect(first?.properties.hs_task_status).toBe('COMPLETED');
    expect(first?.properties.hs_task_body).toContain(`done by the logged email ${email} at`);
    expect(second?.properties.hs_task_subject).toMatch(/^Email 2 of 5/);
  });

  it('leaves no open call task once six calls were logged', async () => {
    const id = await newLead();
    for (let i = 0; i < 6; i++) {
      t.advance(1);
      await logCall(id, t.now());
    }
    const open = callTasks(id).filter((task) => task.properties.hs_task_status !== 'COMPLETED');
    expect(open).toEqual([]);
  });
});

describe('GET /leads/:id/decision on HubSpot', () => {
  // HubSpot reads by POST too (batch reads, searches): a write is a batch write or a PATCH/DELETE.
  const writes = () =>
    t.emulator.requests.filter(
      (r) =>
        ['PATCH', 'PUT', 'DELETE'].includes(r.method) ||
        /batch\/(create|update|archive|upsert)/.test(r.path),
    );

  it('explains the lead with nothing written, and refuses without the token', async () => {
    const id = await newLead();
    t.advance(3);
    const at = t.now();
    t.emulator.logCall(id, {
      hs_timestamp: new Date(at).toISOString(),
      hs_call_disposition: CALL_DISPOSITIONS.noAnswer,
    });
    const before = writes().length;
    const refused = await fetch(`${t.serviceUrl}/leads/${id}/decision`);
    expect(refused.status).toBe(401);
    const res = await fetch(`${t.serviceUrl}/leads/${id}/decision`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const body = (await res.json()) as DecisionBody;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      leadId: id,
      crm: 'hubspot',
      snapshot: { timezone: { zone: 'America/New_York', source: 'phone' } },
      decision: { state: { status: 'active' } },
    });
    expect(body.snapshot.activities).toEqual([
      expect.objectContaining({
        channel: 'call',
        outcome: 'no_answer',
        counted: { as: 'completes', taskId: expect.any(String) },
      }),
    ]);
    expect(body.decision.complete).toHaveLength(1);
    expect(body.decision.create[0]).toMatchObject({ step: 3, channel: 'call', reason: 'overlap' });
    expect(body.decision.create[0]?.why).toMatch(/team's hours/);
    expect(writes().length).toBe(before);
    expect(callTasks(id).map((task) => task.properties.hs_task_status)).toEqual(['NOT_STARTED']);
  });
});
