/**
 * The cases of issue 14, through the real app: `POST /cadence/preview` for a New York team with
 * default hours, and the sandbox for opt-out and reopen sequences.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  calls,
  expectCallsInsideLeadWindow as expectInside,
  local,
  previewOn,
} from './support/lead-preview.ts';
import { buildTestApp, type TestApp } from './support/test-app.ts';

const NY = { TIMEZONE: 'America/New_York' };
const DAY = 86_400_000;

let t: TestApp;
afterEach(async () => {
  await t?.app.close();
});

async function preview(env: Record<string, string>, body: Record<string, string>) {
  t = await buildTestApp({ ...NY, ...env }, '2026-04-14T14:00:00Z');
  return previewOn(t, body);
}

const expectCallsInsideLeadWindow = (
  p: Awaited<ReturnType<typeof preview>>,
  body: Record<string, string>,
) => expectInside(t, p, body);

describe('issue 14: calls only inside the lead’s legal window and days', () => {
  it('calls a Tokyo lead on Tokyo weekdays 08:00-20:00, says why in the task, never at night', async () => {
    const body = { createdAt: '2026-04-16T10:00:00-04:00', phone: '+81 3 1234 5678' };
    const p = await preview({}, body);
    expect(p).toMatchObject({ timezone: 'Asia/Tokyo', timezoneSource: 'phone' });
    expectCallsInsideLeadWindow(p, body);
    const first = calls(p)[0];
    expect(first?.reason).toBe('lead_window_only');
    expect(first?.body).toMatch(/^Outside your hours: 08:00 in Tokyo is 19:00 in New York\./);
    for (const call of calls(p)) expect(local(call.dueAt, 'Asia/Tokyo').weekday).toBeLessThan(6);
  });

  it('a Tokyo lead arriving in the rep’s night is called at the next opening of its window, not at once', async () => {
    // 01:23 in New York is 14:23 in Tokyo: inside the lead's window, but in the stretch of it
    // that follows the team's previous day. A call due now would be worked at 09:00 New York,
    // 22:00 in Tokyo; it is due at the opening of the stretch after the team's day instead.
    const body = { createdAt: '2026-04-16T01:23:00-04:00', phone: '+81 3 1234 5678' };
    const p = await preview({}, body);
    expectCallsInsideLeadWindow(p, body);
    const first = calls(p)[0];
    expect(first?.reason).toBe('lead_window_only');
    expect(local(first?.dueAt ?? '', 'America/New_York').toFormat('ccc HH:mm')).toBe('Thu 19:00');
    expect(local(first?.dueAt ?? '', 'Asia/Tokyo').toFormat('ccc HH:mm')).toBe('Fri 08:00');
    expect(first?.body).toMatch(/^Outside your hours: 08:00 in Tokyo is 19:00 in New York\./);
  });

  it('never calls a Sydney lead on a Sydney weekend', async () => {
    const body = { createdAt: '2026-04-16T10:00:00-04:00', phone: '+61 2 9876 5432' };
    const p = await preview({}, body);
    expect(p.timezone).toBe('Australia/Sydney');
    expectCallsInsideLeadWindow(p, body);
    expect(calls(p)).toHaveLength(6);
  });

  it('moves a Berlin lead’s calls off Ascension Day (HOLIDAYS=US) and says so', async () => {
    const body = { createdAt: '2026-05-14T09:00:00-04:00', phone: '+49 30 1234567' };
    const p = await preview({ HOLIDAYS: 'US' }, body);
    expect(p.leadWindow.holidaysOf).toBe('DE');
    expectCallsInsideLeadWindow(p, body);
    for (const call of calls(p)) {
      expect(local(call.dueAt, 'Europe/Berlin').toISODate()).not.toBe('2026-05-14');
    }
    expect(calls(p)[0]).toMatchObject({
      reason: 'moved_past_holiday:DE',
      dueAt: '2026-05-15T13:00:00.000Z', // Friday 15:00 Berlin, 09:00 New York
    });
    // The task says it too: a New York rep need not know Germany's holidays.
    expect(calls(p)[0]?.body).toMatch(
      /^Not earlier: Thu 14 May is a public holiday where the lead is \(DE\)\.\n\n/,
    );
    for (const call of calls(p).filter((c) => !c.reason.startsWith('moved_past_holiday'))) {
      expect(call.body).not.toMatch(/Not earlier/);
    }
  });

  it('sends a Berlin lead no email on its public holidays either (LEAD_HOLIDAYS: days without contact)', async () => {
    // Thursday 25 March 2027, 16:00 New York: Good Friday (26) and Easter Monday (29) are
    // German public holidays, on which the New York team works. The Berlin window (08:00-20:00)
    // and the team's day (09:00-17:00 New York, 14:00-22:00 Berlin) meet, but not on those days.
    const body = { createdAt: '2027-03-25T16:00:00-04:00', phone: '+49 30 1234567' };
    const p = await preview({}, body);
    const days = p.steps.map((s) => local(s.dueAt, 'Europe/Berlin').toISODate());
    expect(days).not.toContain('2027-03-26');
    expect(days).not.toContain('2027-03-29');
    const emails = p.steps.filter((s) => s.channel === 'email');
    expect(emails.some((e) => e.reason === 'moved_past_holiday:DE')).toBe(true);
  });

  it('calls an Australian or Brazilian lead only inside the window of every candidate zone', async () => {
    for (const country of ['Australia', 'BR']) {
      const body = { createdAt: '2026-04-16T10:00:00-04:00', country };
      const p = await preview({}, body);
      expect(p.timezoneSource).toBe('safe');
      expect(p.candidates.length).toBeGreaterThan(1);
      expectCallsInsideLeadWindow(p, body);
      await t.app.close();
    }
  });

  it('says in each call to a lead of uncertain zone why it is due when it is, in the zones at its edges', async () => {
    // Australia's rule (09:00-20:00 on weekdays) in every Australian zone: 09:00 in Perth first.
    const body = { createdAt: '2026-12-02T10:00:00-05:00', country: 'Australia' };
    const p = await preview({}, body);
    const [first] = calls(p);
    expect(first?.dueAt).toBe('2026-12-03T01:00:00.000Z');
    expect(first?.body).toContain(
      'Time zone uncertain: the lead may be in any of 12 zones, so calls and texts are due only while it is calling time in all of them. 12:00 in Sydney is 09:00 in Perth.',
    );
    for (const call of calls(p)) expect(call.body).toMatch(/Time zone uncertain: /);
    for (const email of p.steps.filter((s) => s.channel === 'email')) {
      expect(email.body).not.toMatch(/Time zone uncertain/);
    }
    await t.app.close();
    // A US lead of unknown state: every state's rule (from 10:00) in every US zone, Adak last.
    const us = await preview({}, { createdAt: '2026-12-02T10:00:00-05:00', country: 'US' });
    expect(calls(us)[0]?.body).toMatch(
      /^Time zone uncertain: .* 15:00 in New York is 10:00 in Adak\./,
    );
    await t.app.close();
    const plain = await preview(
      {},
      { createdAt: '2026-12-02T10:00:00-05:00', phone: '+1 212 555 0100' },
    );
    expect(calls(plain)[0]?.body).not.toMatch(/Time zone uncertain/);
  });

  it('never calls a Miami lead held in EST (Panama’s clock) after 20:00 Miami summer time', async () => {
    // A Honolulu team works until 23:00 in Miami. The CRM says EST, which keeps no daylight
    // saving time: 19:30 EST is 20:30 in Miami in July, past Florida's 20:00.
    t = await buildTestApp({ TIMEZONE: 'Pacific/Honolulu' }, '2026-07-08T15:00:00Z');
    const body = {
      createdAt: '2026-07-08T14:00:00-10:00',
      phone: '+1 305 555 0100',
      timezone: 'EST',
    };
    const p = await previewOn(t, body);
    expect(p).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'safe' });
    expect(p.candidates).toEqual(['America/New_York', 'EST']);
    for (const call of calls(p)) {
      // The rules the rep reads are stated in Miami's clock, not in the doubtful EST.
      expect(call.body).toContain('Calling rules, in New York time: Fla. Stat.');
      const miami = local(call.dueAt, 'America/New_York');
      expect(miami.hour * 60 + miami.minute, `${call.title} ${call.dueAt}`).toBeLessThan(20 * 60);
    }
  });

  it('says when the lead’s window closes on a call due in its last hour', async () => {
    // A Los Angeles team at 16:59 on a Friday; the New York lead's window closes at 20:00.
    const late = await preview(
      { TIMEZONE: 'America/Los_Angeles' },
      { createdAt: '2026-12-04T19:59:00-05:00', phone: '+1 212 555 0100' },
    );
    const [first, second] = calls(late);
    expect(first?.dueAt).toBe('2026-12-05T00:59:00.000Z');
    expect(first?.body).toMatch(
      /^The lead's calling window closes at 20:00 in New York \(17:00 in Los Angeles\): call before then\.\n\n/,
    );
    expect(second?.body).not.toMatch(/window closes/);
    await t.app.close();
    const early = await preview(
      { TIMEZONE: 'America/Los_Angeles' },
      { createdAt: '2026-12-04T18:40:00-05:00', phone: '+1 212 555 0100' },
    );
    expect(calls(early)[0]?.body).not.toMatch(/window closes/);
  });

  it('shows the candidate zones and timezoneSource "safe" on a sandbox lead too', async () => {
    t = await buildTestApp(NY, '2026-04-14T14:00:00Z');
    const res = await t.app.inject({
      method: 'POST',
      url: '/sandbox/leads',
      payload: { name: 'Bruce', country: 'Australia' },
    });
    expect(res.statusCode).toBe(201);
    const { cadence } = res.json() as { cadence: { timezoneSource: string; candidates: string[] } };
    expect(cadence.timezoneSource).toBe('safe');
    expect(cadence.candidates).toEqual(expect.arrayContaining(['Australia/Perth']));
  });

  it('keeps the team’s own hours for a lead whose window meets them (New York lead, unchanged)', async () => {
    const p = await preview(
      {},
      { createdAt: '2026-04-14T10:00:00-04:00', phone: '+1 212 555 0100' },
    );
    expect(calls(p)[0]).toMatchObject({ dueAt: '2026-04-14T14:00:00.000Z', reason: 'overlap' });
  });
});

describe('issue 14: a Florida lead (+1 305)', () => {
  // Six calls 10-20 minutes apart: only the 24-hour cap can space them.
  const rapid = JSON.stringify({
    id: 'rapid-calls',
    steps: [
      { channel: 'call', day: 1, priority: 'high', guidance: 'Call.' },
      ...Array.from({ length: 5 }, () => ({
        channel: 'call',
        afterMinutes: { min: 10, max: 20 },
        priority: 'medium',
        guidance: 'Call again.',
      })),
    ],
  });

  it('is never called after 20:00 Miami time nor more than 3 times in any 24 hours', async () => {
    const body = { createdAt: '2026-04-14T19:30:00-04:00', phone: '+1 305 555 0100' };
    const p = await preview({ CADENCE: rapid, LEAD_CONTACT_HOURS: '07:00-22:00' }, body);
    expect(p.leadWindow.usState).toBe('FL');
    expectCallsInsideLeadWindow(p, body);
    const dues = calls(p).map((c) => Date.parse(c.dueAt));
    for (const due of dues) {
      const miami = local(new Date(due).toISOString(), 'America/New_York');
      expect(miami.hour * 60 + miami.minute).toBeLessThan(20 * 60);
      expect(dues.filter((d) => d > due - DAY && d <= due).length).toBeLessThanOrEqual(3);
    }
    expect(calls(p)[3]?.reason).toBe('state_cap:FL');
  });
});

describe('issue 14: steps resume instead of skipping', () => {
  async function sandboxLead(body: object) {
    t = await buildTestApp(NY, '2026-04-14T14:00:00Z');
    const res = await t.app.inject({ method: 'POST', url: '/sandbox/leads', payload: body });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  }
  async function patch(id: string, payload: object) {
    const res = await t.app.inject({ method: 'PATCH', url: `/sandbox/leads/${id}`, payload });
    expect(res.statusCode).toBe(200);
    return res.json() as { tasks: { status: string; subject: string; channel: string }[] };
  }
  const openTitles = (lead: { tasks: { status: string; subject: string }[] }) =>
    lead.tasks.filter((task) => task.status === 'open').map((task) => task.subject.split(' —')[0]);

  it('titles the first call "Call 1 of 6" after do-not-call goes true and back to false', async () => {
    const lead = await sandboxLead({ name: 'Ada', timezone: 'America/New_York' });
    await patch(lead.id, { doNotCall: true });
    const reopened = await patch(lead.id, { doNotCall: false });
    expect(openTitles(reopened)).toEqual(['Email 1 of 5', 'Call 1 of 6']);
  });

  it('titles "Call 1 of 6" and "Email 1 of 5" after qualified → new → converted → new', async () => {
    const lead = await sandboxLead({ name: 'Ada', timezone: 'America/New_York' });
    for (const status of ['qualified', 'new', 'converted']) await patch(lead.id, { status });
    const reopened = await patch(lead.id, { status: 'new' });
    expect(openTitles(reopened).sort()).toEqual(['Call 1 of 6', 'Email 1 of 5']);
  });
});

describe('a call the hours hold past its spacing says why it is not 30-60 minutes after the last one', () => {
  it('calls a New York lead who arrived Friday 16:40 again on Monday, and says so', async () => {
    const body = { createdAt: '2026-12-04T16:40:00-05:00', phone: '+1 212 555 0100' };
    const p = await preview({}, body);
    expectCallsInsideLeadWindow(p, body);
    const [first, second, third] = calls(p);
    expect(first?.body).not.toMatch(/^Not /);
    expect(local(second?.dueAt ?? '', 'America/New_York').toFormat('ccc HH:mm')).toBe('Mon 09:30');
    expect(second?.body.split('\n\n')[0]).toBe(
      "Not 30-60 minutes after the last call (Fri 4 Dec 16:40 your time): this is the next moment your hours and the lead's calling window allow.",
    );
    // Call 3 falls within its 1-2 hours of call 2: no such line.
    expect(third?.body).not.toMatch(/^Not /);
  });
});
