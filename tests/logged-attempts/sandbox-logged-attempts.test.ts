import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/test-app.ts';

interface TaskView {
  id: string;
  step: number;
  channel: string;
  status: string;
  subject: string;
  body: string;
  dueAt: string;
  reminderAt: string;
  outcome?: string;
}
interface LeadView {
  id: string;
  tasks: TaskView[];
}

// Tuesday 2026-11-24, 10:00 in New York: inside the team's hours and the lead's window.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const MINUTE = 60_000;

describe('POST /sandbox/leads/:id/activities: a call logged outside the task list', () => {
  let t: TestApp;
  afterEach(() => t.app.close());

  async function newLead(): Promise<LeadView> {
    t = await buildTestApp({ TIMEZONE: 'America/New_York' }, TUESDAY_10AM);
    const res = await t.app.inject({
      method: 'POST',
      url: '/sandbox/leads',
      payload: { name: 'Ada Lovelace', timezone: 'America/New_York' },
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  const log = async (id: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/sandbox/leads/${id}/activities`, payload });
  const calls = (lead: LeadView) => lead.tasks.filter((task) => task.channel === 'call');

  it('completes call 1 with the outcome noted and opens call 2 30-60 minutes after the call', async () => {
    const lead = await newLead();
    const at = new Date(Date.parse(TUESDAY_10AM) + 2 * MINUTE).toISOString();
    t.setNow(new Date(Date.parse(at) + MINUTE).toISOString());
    const res = await log(lead.id, { channel: 'call', outcome: 'no_answer', at });
    expect(res.statusCode).toBe(201);
    const { activity, lead: after } = res.json() as { activity: { id: string }; lead: LeadView };
    const [first, second, ...rest] = calls(after);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ step: 1, status: 'completed', outcome: 'no_answer' });
    expect(first?.body).toContain(
      `done by the logged call ${activity.id} at ${at}, outcome no_answer`,
    );
    expect(second).toMatchObject({ step: 3, status: 'open' });
    expect(second?.subject).toMatch(/^Call 2 of 6/);
    expect(Date.parse(second?.reminderAt ?? '') - Date.parse(at)).toBe(30 * MINUTE);
    expect(Date.parse(second?.dueAt ?? '') - Date.parse(at)).toBe(60 * MINUTE);

    // Redelivered: the same records decide the same, and the call completes no second step.
    const again = await t.app.inject({
      method: 'PATCH',
      url: `/sandbox/leads/${lead.id}`,
      payload: { status: 'working' },
    });
    expect(calls(again.json() as LeadView)).toEqual(calls(after));
  });

  it('leaves the open step alone when the call was made earlier than the lead time', async () => {
    const lead = await newLead();
    await log(lead.id, { channel: 'call', outcome: 'no_answer' });
    // Call 2 became due 30 minutes after the first call; a call 5 minutes after it is early.
    t.setNow(new Date(Date.parse(TUESDAY_10AM) + 5 * MINUTE).toISOString());
    const early = (await log(lead.id, { channel: 'call', outcome: 'busy' })).json()
      .lead as LeadView;
    expect(calls(early).map((c) => [c.step, c.status])).toEqual([
      [1, 'completed'],
      [3, 'open'],
    ]);
    // 10 minutes before call 2 became due is inside the default lead time of 15: credited.
    t.setNow(new Date(Date.parse(TUESDAY_10AM) + 20 * MINUTE).toISOString());
    const close = (await log(lead.id, { channel: 'call', outcome: 'voicemail' })).json()
      .lead as LeadView;
    const third = calls(close).find((c) => c.status === 'open');
    expect(
      calls(close)
        .filter((c) => c.status === 'completed')
        .map((c) => c.step),
    ).toEqual([1, 3]);
    // Three calls were made (one early, outside the cadence): the next is the fourth.
    expect(third?.subject).toMatch(/^Call 4 of 6/);
  });

  describe('calls the dialer logs while call 2 waits (Wed 2026-12-02, New York)', () => {
    const WEDNESDAY_10AM = Date.parse('2026-12-02T15:00:00.000Z');
    const at = (minutes: number) => new Date(WEDNESDAY_10AM + minutes * MINUTE).toISOString();

    async function janeDoe(): Promise<LeadView> {
      t = await buildTestApp({ TIMEZONE: 'America/New_York' }, at(0));
      const payload = { name: 'Jane Doe', company: 'Acme', phone: '+1 212 555 0100' };
      return (await t.app.inject({ method: 'POST', url: '/sandbox/leads', payload })).json();
    }
    const dial = async (id: string, minutes: number) => {
      t.setNow(at(minutes));
      return (await log(id, { channel: 'call', outcome: 'no_answer' })).json().lead as LeadView;
    };
    const open = (lead: LeadView) => calls(lead).find((c) => c.status === 'open');

    it('retitles the open call in place: "Call 4 of 6" after three calls, same task, body and due time', async () => {
      const lead = await janeDoe();
      const second = open(await dial(lead.id, 2));
      expect(second).toMatchObject({ subject: 'Call 2 of 6 — Jane Doe (Acme)' });
      expect([second?.reminderAt, second?.dueAt]).toEqual([at(32), at(62)]);
      // 10:10 and 10:12: too early to be call 2's attempt, yet the second and third calls.
      expect(open(await dial(lead.id, 10))?.subject).toBe('Call 3 of 6 — Jane Doe (Acme)');
      const after = await dial(lead.id, 12);
      expect(calls(after).filter((c) => c.status === 'open')).toEqual([
        { ...second, subject: 'Call 4 of 6 — Jane Doe (Acme)' },
      ]);
      expect(calls(after).some((c) => c.status === 'closed')).toBe(false);
      // Redelivered: the title is true now, nothing changes.
      t.setNow(at(13));
      const again = await t.app.inject({
        method: 'PATCH',
        url: `/sandbox/leads/${lead.id}`,
        payload: { status: 'working' },
      });
      expect(calls(again.json() as LeadView)).toEqual(calls(after));
    });

    it('takes a call logged within 15 minutes of a ticked call 1 as that same call', async () => {
      const lead = await janeDoe();
      const first = open(lead);
      t.setNow(at(2));
      const url = `/sandbox/tasks/${first?.id}/complete`;
      await t.app.inject({ method: 'POST', url, payload: { outcome: 'no_answer' } });
      // 10:10 is 8 minutes after the tick: the dialer's record of call 1, not a second call.
      expect(open(await dial(lead.id, 10))?.subject).toBe('Call 2 of 6 — Jane Doe (Acme)');
      expect(open(await dial(lead.id, 12))?.subject).toBe('Call 3 of 6 — Jane Doe (Acme)');
    });
  });

  it('opens no further call once six calls were logged', async () => {
    const lead = await newLead();
    let view: LeadView = lead;
    for (let i = 1; i <= 6; i++) {
      t.setNow(new Date(Date.parse(TUESDAY_10AM) + i * MINUTE).toISOString());
      view = (await log(lead.id, { channel: 'call', outcome: 'no_answer' })).json().lead;
    }
    expect(calls(view).filter((c) => c.status === 'open')).toEqual([]);
    expect(view.tasks.some((task) => task.channel === 'email' && task.status === 'open')).toBe(
      true,
    );
  });

  it('refuses a bad activity with a stable code and logs nothing', async () => {
    const lead = await newLead();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ channel: 'call' }, 400, 'outcome_required'],
      [{ channel: 'email', outcome: 'busy' }, 400, 'outcome_not_for_channel'],
      [{ channel: 'fax', outcome: 'sent' }, 400, 'validation_failed'],
      [{ channel: 'call', outcome: 'busy', at: '2030-01-01T00:00:00Z' }, 400, 'activity_in_future'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await log(lead.id, payload);
      expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
    }
    expect((await log('lead-404', { channel: 'call', outcome: 'busy' })).statusCode).toBe(404);
    expect(t.sandbox.activitiesOf(lead.id)).toEqual([]);
  });
});

describe('GET /leads/:id/decision on the sandbox', () => {
  const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  let t: TestApp;
  afterEach(() => t.app.close());

  it('explains a logged call it would credit, and writes nothing', async () => {
    t = await buildTestApp({ TIMEZONE: 'America/New_York', ADMIN_TOKEN }, TUESDAY_10AM);
    const lead = (
      await t.app.inject({
        method: 'POST',
        url: '/sandbox/leads',
        payload: { name: 'Ada', phone: '+1 212 555 0100' },
      })
    ).json() as LeadView;
    const at = new Date(Date.parse(TUESDAY_10AM) + 2 * MINUTE).toISOString();
    t.sandbox.logActivity(lead.id, { channel: 'call', outcome: 'no_answer', at });
    const before = JSON.stringify(t.sandbox.tasksOf(lead.id));
    const url = `/leads/${lead.id}/decision`;

    expect((await t.app.inject({ method: 'GET', url })).json().error.code).toBe('invalid_token');
    const res = await t.app.inject({ method: 'GET', url, headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.snapshot.timezone).toMatchObject({
      zone: 'America/New_York',
      source: 'phone',
      usState: 'NY',
    });
    expect(body.snapshot.activities[0].counted).toEqual({ as: 'completes', taskId: 'task-1' });
    expect(body.decision.complete).toEqual([
      { taskId: 'task-1', channel: 'call', activity: 'activity-1', at, outcome: 'no_answer' },
    ]);
    expect(body.decision.create).toEqual([
      expect.objectContaining({
        step: 3,
        dueAt: new Date(Date.parse(at) + 60 * MINUTE).toISOString(),
        why: `30-60 minutes after the last call attempt (${at}); then the first moment inside both the team's hours and the lead's window`,
      }),
    ]);
    expect(JSON.stringify(t.sandbox.tasksOf(lead.id))).toBe(before);

    const unknown = await t.app.inject({
      method: 'GET',
      url: '/leads/lead-99/decision',
      headers: auth,
    });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'lead_not_found']);
    const bad = await t.app.inject({ method: 'GET', url: '/leads/a%20b/decision', headers: auth });
    expect(bad.statusCode).toBe(400);
  });

  it('is off while ADMIN_TOKEN is unset', async () => {
    t = await buildTestApp({ TIMEZONE: 'America/New_York' }, TUESDAY_10AM);
    const res = await t.app.inject({ method: 'GET', url: '/leads/lead-1/decision', headers: auth });
    expect([res.statusCode, res.json().error.code]).toEqual([404, 'admin_disabled']);
  });
});
