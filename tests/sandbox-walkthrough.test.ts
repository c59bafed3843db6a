import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './support/test-app.ts';

interface TaskView {
  id: string;
  step: number;
  channel: string;
  status: string;
  dueAt: string;
  reminderAt: string;
  priority: string;
  subject: string;
  body: string;
  closeReason?: string;
  ownerId?: string;
}
interface LeadView {
  id: string;
  status: string;
  cadence?: { status: string; reason?: string; timezone: string };
  tasks: TaskView[];
}

const NY = { TIMEZONE: 'America/New_York' };
// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const MINUTE = 60_000;

let t: TestApp;
afterEach(async () => {
  await t?.app.close();
});

async function createLead(body: object): Promise<LeadView> {
  const res = await t.app.inject({ method: 'POST', url: '/sandbox/leads', payload: body });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const open = (lead: LeadView) => lead.tasks.filter((task) => task.status === 'open');

describe('sandbox walk-through', () => {
  it('creates call 1 due now and the day-1 email, then call 2 30-60 minutes after a no-answer, and closes everything when the lead is unqualified', async () => {
    t = await buildTestApp(NY, TUESDAY_10AM);
    const lead = await createLead({
      name: 'Jane Doe',
      company: 'Acme',
      timezone: 'America/New_York',
    });
    expect(lead.cadence).toMatchObject({ status: 'active', timezone: 'America/New_York' });
    const [call1, email1] = open(lead);
    expect(call1).toMatchObject({
      step: 1,
      channel: 'call',
      priority: 'high',
      dueAt: TUESDAY_10AM,
      reminderAt: TUESDAY_10AM,
      subject: 'Call 1 of 6 — Jane Doe (Acme)',
    });
    expect(call1?.body).toMatch(/voicemail/);
    expect(email1).toMatchObject({ step: 2, channel: 'email', dueAt: TUESDAY_10AM });

    t.setNow('2026-11-24T15:05:00.000Z');
    const done = await t.app.inject({
      method: 'POST',
      url: `/sandbox/tasks/${call1?.id}/complete`,
      payload: { outcome: 'no_answer' },
    });
    expect(done.statusCode).toBe(200);
    const afterCall = done.json().lead as LeadView;
    const call2 = open(afterCall).find((task) => task.channel === 'call');
    expect(call2?.step).toBe(3);
    const completedAt = Date.parse('2026-11-24T15:05:00.000Z');
    expect(Date.parse(call2?.reminderAt ?? '') - completedAt).toBe(30 * MINUTE);
    expect(Date.parse(call2?.dueAt ?? '') - completedAt).toBe(60 * MINUTE);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/sandbox/leads/${lead.id}`,
      payload: { status: 'unqualified' },
    });
    expect(patched.statusCode).toBe(200);
    const closed = patched.json() as LeadView;
    expect(closed.cadence).toMatchObject({ status: 'stopped', reason: 'lead_closed' });
    expect(open(closed)).toEqual([]);
    expect(
      closed.tasks.filter((task) => task.status === 'closed').map((task) => task.closeReason),
    ).toEqual(['lead_closed', 'lead_closed']);

    const fetched = await t.app.inject({ method: 'GET', url: `/sandbox/leads/${lead.id}` });
    expect((fetched.json() as LeadView).tasks).toHaveLength(3);
  });

  it('stops the cadence when a call connects', async () => {
    t = await buildTestApp(NY, TUESDAY_10AM);
    const lead = await createLead({ name: 'Ann', phone: '+1 212 555 0100' });
    const call1 = open(lead).find((task) => task.channel === 'call');
    const res = await t.app.inject({
      method: 'POST',
      url: `/sandbox/tasks/${call1?.id}/complete`,
      payload: { outcome: 'connected' },
    });
    const after = res.json().lead as LeadView;
    expect(after.cadence).toMatchObject({ status: 'stopped', reason: 'reached' });
    expect(open(after)).toEqual([]);
  });

  it('skips the email track when the lead opts out of email, and keeps calling', async () => {
    t = await buildTestApp(NY, TUESDAY_10AM);
    const lead = await createLead({ name: 'Bo', timezone: 'America/New_York' });
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/sandbox/leads/${lead.id}`,
      payload: { emailOptOut: true },
    });
    const after = res.json() as LeadView;
    expect(after.cadence?.status).toBe('active');
    expect(open(after).map((task) => task.channel)).toEqual(['call']);
    expect(after.tasks.find((task) => task.channel === 'email')?.closeReason).toBe('opted_out');
  });

  it('moves the open tasks to the new owner when the lead changes hands', async () => {
    t = await buildTestApp(NY, TUESDAY_10AM);
    const lead = await createLead({ name: 'Flo', ownerId: 'rep-1' });
    expect(open(lead).map((task) => task.ownerId)).toEqual(['rep-1', 'rep-1']);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/sandbox/leads/${lead.id}`,
      payload: { ownerId: 'rep-2' },
    });
    const after = res.json() as LeadView;
    expect(open(after).map((task) => task.ownerId)).toEqual(['rep-2', 'rep-2']);
    expect(open(after).map((task) => task.id)).toEqual(open(lead).map((task) => task.id));
  });

  it('reads the lead time zone from its phone number when none is given', async () => {
    t = await buildTestApp(
      { TIMEZONE: 'America/Los_Angeles', BUSINESS_HOURS: 'Mon-Sun 00:00-24:00' },
      TUESDAY_10AM,
    );
    const lead = await createLead({ name: 'Cy', phone: '+49 30 1234567' });
    expect(lead.cadence).toMatchObject({ timezone: 'Europe/Berlin', timezoneSource: 'phone' });
  });

  it('writes nothing in dry-run mode', async () => {
    t = await buildTestApp({ ...NY, DRY_RUN: 'true' }, TUESDAY_10AM);
    const lead = await createLead({ name: 'Di' });
    expect(lead.cadence?.status).toBe('active');
    expect(lead.tasks).toEqual([]);
  });
});
