import { describe, expect, it } from 'vitest';
import { cadenceTaskFrom } from '../connectors/hubspot/hubspot.mapping.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import { startHubSpotApp } from './support/hubspot-app.ts';
import { startSalesforceApp } from './support/salesforce-app.ts';
import { buildTestApp, type TestApp } from './support/test-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const HOUR = 3_600_000;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

const track = closedAfterEach();

async function sandboxApp(env: Record<string, string> = { ADMIN_TOKEN }) {
  const t = await buildTestApp({ TIMEZONE: 'America/New_York', ...env }, TUESDAY_10AM);
  track(t.app);
  return t;
}

const sweep = (t: TestApp, url = '/reconcile', headers: Record<string, string> = auth) =>
  t.app.inject({ method: 'POST', url, headers });

describe('POST /reconcile on the sandbox', () => {
  it('starts the cadence of a lead whose webhook never came, then finds nothing left to do', async () => {
    const t = await sandboxApp();
    const lead = t.sandbox.createLead({ name: 'Missed' });
    const first = await sweep(t);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      since: new Date(Date.parse(TUESDAY_10AM) - HOUR).toISOString(),
      leads: 1,
      created: 2,
      completed: 0,
      closed: 0,
      reassigned: 0,
      retitled: 0,
      rescheduled: 0,
      unchanged: 0,
      failed: 0,
    });
    expect(t.sandbox.tasksOf(lead.id)).toHaveLength(2);
    expect((await sweep(t)).json()).toMatchObject({ leads: 1, created: 0, unchanged: 1 });
  });

  it('closes the tasks of a lead disqualified while webhooks were down', async () => {
    const t = await sandboxApp();
    const lead = t.sandbox.createLead({ name: 'Lost' });
    await sweep(t);
    t.setNow('2026-11-24T17:00:00.000Z');
    t.sandbox.updateLead(lead.id, { status: 'unqualified' });
    expect((await sweep(t)).json()).toMatchObject({ leads: 1, closed: 2 });
  });

  it('moves the open tasks of a lead whose owner changed while webhooks were down, and counts them', async () => {
    const t = await sandboxApp();
    const lead = t.sandbox.createLead({ name: 'Handed over', ownerId: 'rep-1' });
    await sweep(t);
    t.setNow('2026-11-24T17:00:00.000Z');
    t.sandbox.updateLead(lead.id, { ownerId: 'rep-2' });
    expect((await sweep(t)).json()).toMatchObject({ leads: 1, reassigned: 2, unchanged: 0 });
    expect(t.sandbox.tasksOf(lead.id).map((task) => task.ownerId)).toEqual(['rep-2', 'rep-2']);
  });

  it('looks only at leads created or touched since ?since=, and starts no cadence on old ones', async () => {
    const t = await sandboxApp();
    const old = t.sandbox.createLead({ name: 'Old' });
    t.setNow('2026-11-24T18:00:00.000Z');
    expect((await sweep(t)).json()).toMatchObject({ leads: 0 });
    // Edited today, created before the window, never in a cadence: left alone.
    t.sandbox.updateLead(old.id, { doNotCall: true });
    expect((await sweep(t)).json()).toMatchObject({ leads: 1, created: 0, unchanged: 1 });
    expect(t.sandbox.tasksOf(old.id)).toEqual([]);
    // A wider window includes its creation: now it is a missed lead.
    const wide = await sweep(t, '/reconcile?since=2026-11-24T14:00:00Z');
    expect(wide.json()).toMatchObject({ leads: 1, created: 1 });
  });

  it('refuses a missing or wrong token with 401, and is off without ADMIN_TOKEN', async () => {
    const t = await sandboxApp();
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789abcdef' },
      { authorization: ADMIN_TOKEN },
    ];
    for (const headers of refused) {
      const res = await sweep(t, '/reconcile', headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'invalid_token' } });
    }
    const off = await sandboxApp({});
    const res = await sweep(off);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'admin_disabled' } });
  });

  it('refuses a bad since with 400 and writes nothing', async () => {
    const t = await sandboxApp();
    const lead = t.sandbox.createLead({ name: 'Untouched' });
    const cases: [string, string][] = [
      ['/reconcile?since=yesterday', 'validation_failed'],
      ['/reconcile?since=2026-13-01T00:00:00Z', 'validation_failed'],
      ['/reconcile?until=2026-11-24T00:00:00Z', 'validation_failed'],
      ['/reconcile?since=2026-11-25T00:00:00Z', 'invalid_since'],
      ['/reconcile?since=2026-01-01T00:00:00Z', 'invalid_since'],
    ];
    for (const [url, code] of cases) {
      const res = await sweep(t, url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ error: { code } });
    }
    expect(t.sandbox.tasksOf(lead.id)).toEqual([]);
  });
});

describe('POST /reconcile on HubSpot', () => {
  it('pages through the search and starts the cadence of every contact HubSpot never announced', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM, { ADMIN_TOKEN, CRM_RATE_LIMIT: '0' }));
    const ids = Array.from({ length: 250 }, (_, i) =>
      t.emulator.createContact({ firstname: `Quiet${i}`, hubspot_owner_id: '101' }),
    );
    const res = await fetch(`${t.serviceUrl}/reconcile`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ leads: 250, created: 500, failed: 0 });
    for (const id of ids) expect(t.emulator.tasksOf(id)).toHaveLength(2);
    // 250 contacts need two search pages of 200.
    expect(t.emulator.requests.filter((r) => r.path.endsWith('/contacts/search'))).toHaveLength(2);

    // A task completed without a webhook: the task search finds its contact.
    const [call] = t.emulator
      .tasksOf(ids[0] ?? '')
      .filter((task) => cadenceTaskFrom(task)?.channel === 'call');
    t.advance(30);
    t.emulator.updateTask(call?.id ?? '', { hs_task_status: 'COMPLETED' });
    const next = await fetch(`${t.serviceUrl}/reconcile`, { method: 'POST', headers: auth });
    expect(await next.json()).toMatchObject({ created: 1, failed: 0 });
  });
});

describe('POST /reconcile on Salesforce', () => {
  it('queries recent Leads and Tasks and starts the cadence of every lead not yet served', async () => {
    const t = track(await startSalesforceApp(TUESDAY_10AM, { ADMIN_TOKEN, CRM_RATE_LIMIT: '0' }));
    const ids = Array.from({ length: 30 }, (_, i) =>
      t.emulator.createLead({ LastName: `Quiet${i}`, Company: 'Acme' }),
    );
    const res = await fetch(`${t.serviceUrl}/reconcile`, { method: 'POST', headers: auth });
    expect(await res.json()).toMatchObject({ leads: 30, created: 60, failed: 0 });
    for (const id of ids) expect(t.emulator.tasksOf(id)).toHaveLength(2);
    const again = await fetch(`${t.serviceUrl}/reconcile`, { method: 'POST', headers: auth });
    expect(await again.json()).toMatchObject({ leads: 30, created: 0, unchanged: 30 });
  });
});
