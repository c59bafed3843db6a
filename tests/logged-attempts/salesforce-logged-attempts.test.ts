import { afterEach, describe, expect, it } from 'vitest';
import { to18 } from '../../connectors/salesforce/salesforce-id.ts';
import type { SalesforceRecord } from '../emulators/salesforce-emulator.ts';
import { type SalesforceTestApp, startSalesforceApp } from '../support/salesforce-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const MINUTE = 60_000;
const REP = to18('0055g00000RepOn');
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

let t: SalesforceTestApp;
afterEach(async () => {
  await t?.close();
});

/** The service's call tasks on the lead (a logged call has no marker line), oldest first. */
const callTasks = (id: string): SalesforceRecord[] =>
  t.emulator
    .tasksOf(id)
    .filter((task) => String(task.Description ?? '').includes('Lead follow-up: call step'))
    .sort((a, b) => String(a.CreatedDate).localeCompare(String(b.CreatedDate)));

async function newLead(start = TUESDAY_10AM): Promise<string> {
  t = await startSalesforceApp(start, { ADMIN_TOKEN });
  const id = t.emulator.createLead({
    FirstName: 'Jane',
    LastName: 'Doe',
    Company: 'Acme',
    Phone: '+1 212 555 0100',
    OwnerId: REP,
  });
  expect((await t.callout({ leadIds: [id] })).status).toBe(200);
  return id;
}

/** A call logged with *Log a Call* or by a dialer (a Task created closed), then the Task flow. */
async function logCall(id: string, CallDisposition = 'No answer') {
  const call = t.emulator.logActivity(id, {
    Subject: 'Call',
    TaskSubtype: 'Call',
    CallDisposition,
  });
  const res = await t.callout({ taskIds: [call] });
  expect(res.status).toBe(200);
  return { call, summary: (await res.json()) as Record<string, number> };
}

describe('Salesforce: a call logged outside the task list moves the cadence on', () => {
  it('completes call 1 with the outcome noted and opens call 2 30-60 minutes after the call', async () => {
    const id = await newLead();
    t.advance(2);
    const at = t.now();
    const { call, summary } = await logCall(id);
    expect(summary).toMatchObject({ completed: 1, created: 1, closed: 0 });
    const [first, second, ...rest] = callTasks(id);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ Status: 'Completed', CallDisposition: 'No answer' });
    expect(first?.Description).toContain(
      `done by the logged call ${call} at ${new Date(at).toISOString()}, outcome no_answer`,
    );
    expect(second).toMatchObject({
      Status: 'Not Started',
      Subject: expect.stringMatching(/^Call 2 of 6/),
    });
    expect(Date.parse(String(second?.ReminderDateTime)) - at).toBe(30 * MINUTE);

    // The flow fires again (a redelivery): the call is spent, nothing changes.
    const again = await t.callout({ taskIds: [call] });
    expect(await again.json()).toMatchObject({ completed: 0, created: 0, closed: 0 });
    expect(callTasks(id)).toHaveLength(2);
  });

  it('retitles the open call in place when the dialer logs calls while it waits: "Call 4 of 6", same task, text and due time', async () => {
    // Wednesday 2026-12-02, 10:00 in New York.
    const id = await newLead('2026-12-02T15:00:00.000Z');
    t.advance(2);
    await logCall(id);
    // A copy: the emulator changes its stored records in place.
    const second = structuredClone(callTasks(id)[1]);
    expect(second?.Subject).toBe('Call 2 of 6 — Jane Doe (Acme)');
    // 10:10 and 10:12: too early to be call 2's attempt, yet the second and third calls.
    t.advance(8);
    expect((await logCall(id)).summary).toMatchObject({ retitled: 1, created: 0 });
    t.advance(2);
    const before = t.emulator.requests.length;
    const { call, summary } = await logCall(id);
    expect(summary).toMatchObject({ retitled: 1, created: 0, completed: 0, closed: 0 });
    const open = callTasks(id).filter((task) => task.IsClosed !== true);
    expect(open).toEqual([
      {
        ...second,
        Subject: 'Call 4 of 6 — Jane Doe (Acme)',
        LastModifiedDate: expect.any(String),
      },
    ]);
    // One write: the Subject, through the collection update that completions use.
    const writes = t.emulator.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => [r.method, r.status])).toEqual([['PATCH', 200]]);

    // The flow fires again: the title is true now, nothing is written.
    const again = t.emulator.requests.length;
    const redelivered = await t.callout({ taskIds: [call] });
    expect(await redelivered.json()).toMatchObject({ retitled: 0, created: 0, unchanged: 1 });
    expect(t.emulator.requests.slice(again).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('does not complete the open step with a call made long before it became due', async () => {
    const id = await newLead();
    await logCall(id);
    t.advance(5);
    const { summary } = await logCall(id, 'Busy');
    expect(summary).toMatchObject({ completed: 0, created: 0 });
    expect(callTasks(id).map((task) => task.Status)).toEqual(['Completed', 'Not Started']);
  });

  it('leaves no open call task once six calls were logged', async () => {
    const id = await newLead();
    for (let i = 0; i < 6; i++) {
      t.advance(1);
      await logCall(id);
    }
    expect(callTasks(id).filter((task) => task.IsClosed !== true)).toEqual([]);
  });
});

describe('GET /leads/:id/decision on Salesforce', () => {
  const writes = () =>
    t.emulator.requests.filter((r) => r.method !== 'GET' && !r.path.includes('oauth2'));

  it('explains the lead with nothing written, and refuses without the token', async () => {
    const id = await newLead();
    t.advance(2);
    t.emulator.logActivity(id, {
      Subject: 'Call',
      TaskSubtype: 'Call',
      CallDisposition: 'Left voicemail',
    });
    const before = writes().length;
    const url = `${t.serviceUrl}/leads/${id}/decision`;
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await res.json()) as {
      crm: string;
      snapshot: { activities: { outcome: string; counted: { as: string } }[] };
      decision: { complete: unknown[]; create: { step: number }[] };
    };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.crm).toBe('salesforce');
    expect(body.snapshot.activities).toEqual([
      expect.objectContaining({
        outcome: 'voicemail',
        counted: expect.objectContaining({ as: 'completes' }),
      }),
    ]);
    expect(body.decision.complete).toHaveLength(1);
    expect(body.decision.create.map((c) => c.step)).toEqual([3]);
    expect(writes().length).toBe(before);
    expect(callTasks(id).map((task) => task.Status)).toEqual(['Not Started']);
  });
});
