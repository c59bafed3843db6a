import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/test-app.ts';

interface TaskView {
  id: string;
  channel: string;
  status: string;
  body: string;
  dueAt: string;
  reminderAt: string;
}
interface LeadView {
  id: string;
  tasks: TaskView[];
}

// Friday 2026-12-04, 18:00 in New York: after the team's hours, call 1 waits for Monday.
const FRIDAY_6PM = '2026-12-04T23:00:00.000Z';
// Saturday 2026-12-05, 10:00 in New York.
const SATURDAY = '2026-12-05T15:00:00.000Z';
// Monday 2026-12-07, 09:00 in New York (06:00 in Los Angeles) and 08:00 in Los Angeles.
const MONDAY_9AM_NY = '2026-12-07T14:00:00.000Z';
const MONDAY_8AM_LA = '2026-12-07T16:00:00.000Z';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const MOVED =
  "Moved from 06:00 to 08:00 Los Angeles time (Mon 7 Dec; 11:00 in New York): the lead's calling window changed since this task was written (the lead is now read in Los Angeles time), and 06:00 is outside it.";

describe('sandbox: an open call when the lead’s calling window changes', () => {
  let t: TestApp;
  afterEach(() => t.app.close());

  async function newLead(fields: Record<string, string>): Promise<LeadView> {
    t = await buildTestApp({ TIMEZONE: 'America/New_York', ADMIN_TOKEN }, FRIDAY_6PM);
    const res = await t.app.inject({
      method: 'POST',
      url: '/sandbox/leads',
      payload: { name: 'Jane Doe', ...fields },
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  }
  const call = (lead: LeadView) => lead.tasks.find((task) => task.channel === 'call');
  /** A CRM user's edit through the sandbox's own PATCH route, which re-decides the lead. */
  async function edit(id: string, fields: Record<string, string>): Promise<LeadView> {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/sandbox/leads/${id}`,
      payload: { status: 'working', ...fields },
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  it('moves call 1 in place to 08:00 Los Angeles when the number is corrected to +1 213, once', async () => {
    const lead = await newLead({ phone: '+1 212 555 0100' });
    const before = call(lead);
    expect(before?.dueAt).toBe(MONDAY_9AM_NY);
    t.setNow(SATURDAY);
    const after = await edit(lead.id, { phone: '+1 213 555 0100' });
    // The same task, its text kept with the line saying why below it; nothing else written.
    expect(after.tasks.map((task) => task.id)).toEqual(lead.tasks.map((task) => task.id));
    expect(call(after)).toEqual({
      ...before,
      dueAt: MONDAY_8AM_LA,
      reminderAt: MONDAY_8AM_LA,
      body: `${before?.body}\n\n${MOVED}`,
    });
    const others = (l: LeadView) => l.tasks.filter((task) => task.channel !== 'call');
    expect(others(after)).toEqual(others(lead));

    // Another event about the lead: the due time is lawful now, nothing moves again.
    const again = await edit(lead.id, {});
    expect(again.tasks).toEqual(after.tasks);
  });

  /** POST /reconcile: the sweep's answer, with how many calls and texts it re-timed. */
  const sweep = async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/reconcile',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    return res.json() as Record<string, unknown>;
  };
  const callOf = (id: string) => t.sandbox.tasksOf(id).find((task) => task.channel === 'call');

  it('answers POST /reconcile with the calls it re-timed', async () => {
    const lead = await newLead({ phone: '+1 212 555 0100' });
    t.setNow(SATURDAY);
    t.sandbox.updateLead(lead.id, { phone: '+1 213 555 0100' });
    expect(await sweep()).toMatchObject({ leads: 1, rescheduled: 1, unchanged: 0 });
    expect(callOf(lead.id)?.dueAt).toBe(MONDAY_8AM_LA);
    expect(await sweep()).toMatchObject({ leads: 1, rescheduled: 0, unchanged: 1 });
  });

  it('leaves a call due outside the team’s hours but inside the lead’s window where it is', async () => {
    // A Tokyo lead's window never meets the New York team's hours: call 1 is due at 08:00 in
    // Tokyo, 18:00 in New York. Read in Seoul instead (the same clock), it is as lawful.
    const lead = await newLead({ timezone: 'Asia/Tokyo' });
    expect(call(lead)?.body).toMatch(/^Outside your hours: 08:00 in Tokyo is 18:00 in New York/);
    t.setNow(SATURDAY);
    const before = callOf(lead.id);
    t.sandbox.updateLead(lead.id, { timezone: 'Asia/Seoul' });
    expect(await sweep()).toMatchObject({ leads: 1, rescheduled: 0, unchanged: 1 });
    expect(callOf(lead.id)).toEqual(before);
  });

  it('leaves a call past due alone while the lead’s window is open: the rep works it now', async () => {
    const lead = await newLead({ phone: '+1 212 555 0100' });
    // Monday 10:30 in Los Angeles: call 1 became due at 06:00 there, and the window is open.
    t.setNow('2026-12-07T18:30:00.000Z');
    const before = callOf(lead.id);
    t.sandbox.updateLead(lead.id, { phone: '+1 213 555 0100' });
    expect(await sweep()).toMatchObject({ leads: 1, rescheduled: 0 });
    expect(callOf(lead.id)).toEqual(before);
  });

  it('moves a call past due while the lead’s window is closed, so it is not called before 08:00', async () => {
    const lead = await newLead({ phone: '+1 212 555 0100' });
    // Monday 06:30 in Los Angeles: call 1 became due at 06:00 there, before the federal 08:00.
    t.setNow('2026-12-07T14:30:00.000Z');
    t.sandbox.updateLead(lead.id, { phone: '+1 213 555 0100' });
    expect(await sweep()).toMatchObject({ leads: 1, rescheduled: 1 });
    expect(callOf(lead.id)).toMatchObject({ dueAt: MONDAY_8AM_LA, reminderAt: MONDAY_8AM_LA });
    expect(callOf(lead.id)?.body).toContain(
      "it is past due, and the lead's calling window is closed now (06:30 in Los Angeles).",
    );
  });
});
