import { afterEach, describe, expect, it } from 'vitest';
import { type CurlRequest, curlRequests } from './support/curl.ts';
import { codeBlockAfter, readDoc } from './support/markdown.ts';
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
/** The curl session of the README, parsed from it: the test runs what a newcomer types. */
const README_SESSION = curlRequests(codeBlockAfter(readDoc('README.md'), '### Try it with curl'));
/**
 * Hours a newcomer may try it at, with the team's zone `npm run dev` would take, and the first
 * moment inside the team's hours (Mon-Fri 09:00-17:00) and New York's 08:00-20:00.
 */
const README_HOURS = [
  {
    name: 'a New York team on Tuesday 10:00: due at once',
    teamZone: 'America/New_York',
    now: '2026-11-24T15:00:00.000Z',
    firstOpening: '2026-11-24T15:00:00.000Z',
  },
  {
    name: 'a Berlin team on Tuesday 10:00 (04:00 in New York): due at 14:00 Berlin',
    teamZone: 'Europe/Berlin',
    now: '2026-11-24T09:00:00.000Z',
    firstOpening: '2026-11-24T13:00:00.000Z',
  },
  {
    name: 'a team on UTC at 19:00, after its hours: due the next morning, 08:00 in New York',
    teamZone: 'UTC',
    now: '2026-11-24T19:00:00.000Z',
    firstOpening: '2026-11-25T13:00:00.000Z',
  },
  {
    name: 'a New York team on Saturday afternoon: due on Monday 09:00',
    teamZone: 'America/New_York',
    now: '2026-11-28T19:00:00.000Z',
    firstOpening: '2026-11-30T14:00:00.000Z',
  },
];
// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const MINUTE = 60_000;

let t: TestApp;
const send = (request: CurlRequest | undefined) => {
  if (!request) throw new Error('the README has fewer curl commands than the test expects');
  const { method, url, headers, body } = request;
  return t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body }) });
};
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
  it.each(README_HOURS)("runs the README's curl session as written: $name", async (hour) => {
    t = await buildTestApp({ TIMEZONE: hour.teamZone }, hour.now);
    const [create, fetch, complete, unqualify, ...rest] = README_SESSION;
    expect(rest).toEqual([]);

    expect(create?.comment).toMatch(/call 1, high\s+priority, and the day-1 email/);
    const created = await send(create);
    expect(created.statusCode).toBe(201);
    const lead = created.json() as LeadView;
    expect(lead.cadence).toMatchObject({
      status: 'active',
      timezone: 'America/New_York',
      timezoneSource: 'phone',
    });
    expect(open(lead)).toMatchObject([
      { id: 'task-1', step: 1, channel: 'call', priority: 'high', dueAt: hour.firstOpening },
      { id: 'task-2', step: 2, channel: 'email', dueAt: hour.firstOpening },
    ]);
    expect(open(lead)[0]?.subject).toBe('Call 1 of 6 — Jane Doe (Acme)');

    expect(fetch?.comment).toMatch(/its cadence and its tasks/);
    const fetched = await send(fetch);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toMatchObject({ id: lead.id, cadence: lead.cadence, tasks: lead.tasks });

    expect(complete?.comment).toMatch(/reminding in 30 minutes and due within the\s+hour/);
    expect(complete?.comment).toMatch(/reminding at the next opening and due 30 minutes after/);
    const done = await send(complete);
    expect(done.statusCode).toBe(200);
    const call2 = open(done.json().lead as LeadView).find((task) => task.channel === 'call');
    const inHours = hour.now === hour.firstOpening;
    const reminder = Date.parse(hour.firstOpening) + (inHours ? 30 * MINUTE : 0);
    expect(call2?.step).toBe(3);
    expect(Date.parse(call2?.reminderAt ?? '')).toBe(reminder);
    expect(Date.parse(call2?.dueAt ?? '')).toBe(reminder + 30 * MINUTE);

    expect(unqualify?.comment).toMatch(/the cadence stops and its open tasks are closed/);
    const closed = (await send(unqualify)).json() as LeadView;
    expect(closed.cadence).toMatchObject({ status: 'stopped', reason: 'lead_closed' });
    expect(open(closed)).toEqual([]);
    expect(closed.tasks.map((task) => task.closeReason ?? task.status)).toEqual([
      'completed',
      'lead_closed',
      'lead_closed',
    ]);
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
