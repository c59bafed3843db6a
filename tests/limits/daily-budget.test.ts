import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TUESDAY_10AM } from '../reliability/expected.ts';
import { closedAfterEach } from '../support/closed-after-each.ts';
import { contactCreated, startHubSpotApp } from '../support/hubspot-app.ts';
import { outboundMessage, startSalesforceApp } from '../support/salesforce-app.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123';
const track = closedAfterEach();

const leadMessage = (orgId: string, Id: string) =>
  outboundMessage(orgId, [{ type: 'Lead', fields: { Id } }]);
const salesforceLead = (t: { emulator: { createLead(f: Record<string, string>): string } }) =>
  t.emulator.createLead({
    LastName: 'Doe',
    Company: 'Acme',
    Phone: '+1 212 555 0100',
    OwnerId: '0055g00000RepAAAAA',
  });

const scrape = async (serviceUrl: string) => (await fetch(`${serviceUrl}/metrics`)).text();
const errorCode = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

describe('daily budget guard against the CRM emulators', () => {
  it('HubSpot: past CRM_DAILY_BUDGET, deliveries get 503 + Retry-After and cost no call; a probe a minute later resumes', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM, { CRM_DAILY_BUDGET: '0.5' }));
    // The customer's other integrations have used 60% of the day already.
    t.emulator.traffic.dailyUsed = t.emulator.traffic.dailyLimit * 0.6;
    const first = t.emulator.createContact({ firstname: 'First', hubspot_owner_id: '101' });
    expect((await t.deliver([contactCreated(first)])).status).toBe(200);

    const second = t.emulator.createContact({ firstname: 'Second', hubspot_owner_id: '101' });
    const before = t.emulator.requests.length;
    const refused = await t.deliver([contactCreated(second)]);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorCode(refused)).toBe('crm_daily_budget');
    expect(t.emulator.requests.length).toBe(before);
    expect(t.emulator.tasksOf(second)).toHaveLength(0);

    const ready = await fetch(`${t.serviceUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'daily_budget',
      daily: { state: 'paused', usage: expect.closeTo(0.6, 2) },
    });
    const metrics = await scrape(t.serviceUrl);
    expect(metrics).toContain(
      'lead_followup_crm_daily_budget_state{connector="hubspot",state="paused"} 1',
    );
    expect(metrics).toMatch(/lead_followup_crm_daily_usage_ratio\{connector="hubspot"\} 0\.6/);

    // Midnight in the account's zone: the counter resets; the next probe reads it.
    t.emulator.traffic.dailyUsed = 0;
    t.advance(1);
    expect((await t.deliver([contactCreated(second)])).status).toBe(200);
    expect(t.emulator.tasksOf(second)).toHaveLength(2);
    expect((await fetch(`${t.serviceUrl}/readyz`)).status).toBe(200);
  });

  it('HubSpot: after a daily 429 the circuit opens and redeliveries spend no refused call', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM));
    t.emulator.traffic.dailyUsed = t.emulator.traffic.dailyLimit;
    const lead = t.emulator.createContact({ firstname: 'Late', hubspot_owner_id: '101' });
    const first = await t.deliver([contactCreated(lead)]);
    expect(first.status).toBe(429);
    // The delivery's reads went out side by side: let the ones still in flight land.
    await sleep(100);
    const refusedCalls = t.emulator.requests.filter((r) => r.status === 429).length;
    expect(refusedCalls).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      const again = await t.deliver([contactCreated(lead)]);
      expect(again.status).toBe(503);
      expect(await errorCode(again)).toBe('crm_daily_budget');
    }
    expect(t.emulator.requests.filter((r) => r.status === 429)).toHaveLength(refusedCalls);
    const ready = await fetch(`${t.serviceUrl}/readyz`);
    expect(await ready.json()).toMatchObject({ daily: { state: 'exhausted' } });
  });

  it('Salesforce: REQUEST_LIMIT_EXCEEDED (TotalRequests) opens the circuit; readiness says why without calling', async () => {
    const t = track(await startSalesforceApp(TUESDAY_10AM));
    const id = salesforceLead(t);
    t.emulator.failNext({ kind: 'request_limit', daily: true });
    const message = leadMessage(t.emulator.orgId, id);
    expect((await t.outbound(message)).status).toBe(503);
    const before = t.emulator.requests.length;
    const again = await t.outbound(message);
    expect(again.status).toBe(503);
    expect(await again.text()).toContain('crm_daily_budget');
    const ready = await fetch(`${t.serviceUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'daily_budget',
      daily: { state: 'exhausted' },
    });
    expect(t.emulator.requests.length).toBe(before);
  });

  it('Salesforce: sweeps stop first, at 90% of the budget, while outbound messages go on', async () => {
    const t = track(
      await startSalesforceApp(TUESDAY_10AM, { CRM_DAILY_BUDGET: '0.5', ADMIN_TOKEN }),
    );
    t.emulator.traffic.dailyUsed = t.emulator.traffic.dailyLimit * 0.46;
    const first = salesforceLead(t);
    expect((await t.outbound(leadMessage(t.emulator.orgId, first))).status).toBe(200);
    const sweep = () =>
      fetch(`${t.serviceUrl}/reconcile`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
    // The first sweep past the threshold is the minute's probe; the next one is refused.
    await (await sweep()).arrayBuffer();
    const before = t.emulator.requests.length;
    const refused = await sweep();
    expect(refused.status).toBe(503);
    expect(await errorCode(refused)).toBe('crm_daily_budget');
    expect(t.emulator.requests.length).toBe(before);
    const second = salesforceLead(t);
    expect((await t.outbound(leadMessage(t.emulator.orgId, second))).status).toBe(200);
  });
});
