import { describe, expect, it } from 'vitest';
import { closedAfterEach } from '../support/closed-after-each.ts';
import { contactCreated, startHubSpotApp } from '../support/hubspot-app.ts';
import { deliverUntilAcknowledged, inParallel, newStats } from '../support/redelivery.ts';
import { outboundMessage, startSalesforceApp } from '../support/salesforce-app.ts';
import { TUESDAY_10AM } from './expected.ts';

const LIMIT = 40;
/** A few round trips each: seconds on a loaded 2-core machine, where 5 s timed out once. */
const SLOW_MACHINE_MS = 30_000;

const track = closedAfterEach();

const created = contactCreated;

describe('client-side rate limit and backpressure', () => {
  it('sheds a burst larger than the rate limit with 429 + Retry-After; redelivery completes it', async () => {
    // HubSpot itself answers 429 past LIMIT requests in 10 s: the service must never get there.
    const t = track(
      await startHubSpotApp(
        TUESDAY_10AM,
        { CRM_RATE_LIMIT: String(LIMIT) },
        { traffic: { limit: LIMIT, windowMs: 10_000 } },
      ),
    );
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 5 }, (_, i) =>
        t.emulator.createContact({ firstname: `Burst${b}-${i}`, hubspot_owner_id: '101' }),
      ),
    );
    const stats = newStats();
    const retryAfters: number[] = [];
    await inParallel(batches, batches.length, (batch) =>
      deliverUntilAcknowledged(
        async () => {
          const response = await t.deliver(batch.map(created));
          if (response.status === 429)
            retryAfters.push(Number(response.headers.get('retry-after')));
          return response;
        },
        stats,
        // Retry-After honoured as sent: it is what spreads the burst over the windows.
        { maxAttempts: 11, maxWaitMs: 30_000 },
      ),
    );
    expect(stats.gaveUp).toBe(0);
    expect(stats.statuses[429]).toBeGreaterThan(0);
    expect(retryAfters.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
    for (const id of batches.flat()) expect(t.emulator.tasksOf(id)).toHaveLength(2);
    expect(t.emulator.peakPerWindow).toBeLessThanOrEqual(LIMIT);
    expect(t.emulator.requests.filter((r) => r.status === 429)).toEqual([]);
  }, 90_000);

  it(
    'answers 503 + Retry-After when HubSpot is too slow for the deadline; the redelivery is cheap',
    async () => {
      const t = track(await startHubSpotApp(TUESDAY_10AM, { WEBHOOK_DEADLINE_MS: '600' }));
      const id = t.emulator.createContact({ firstname: 'Slow', hubspot_owner_id: '101' });
      t.emulator.failNext({ kind: 'slow', ms: 900 }, { path: '/batch/create' });
      const first = await t.deliver([created(id)]);
      expect(first.status).toBe(503);
      expect(await first.json()).toMatchObject({ error: { code: 'deadline_exceeded' } });
      expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // The create went on and landed: the redelivery finds the tasks and writes nothing.
      const again = await t.deliver([created(id)]);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ created: 0 });
      expect(t.emulator.tasksOf(id)).toHaveLength(2);
    },
    SLOW_MACHINE_MS,
  );

  it(
    'answers a Salesforce outbound message past its deadline with a Server fault and Retry-After',
    async () => {
      const t = track(await startSalesforceApp(TUESDAY_10AM, { WEBHOOK_DEADLINE_MS: '600' }));
      const id = t.emulator.createLead({ LastName: 'Slow', Company: 'Acme' });
      t.emulator.failNext({ kind: 'slow', ms: 900 });
      const message = outboundMessage(t.emulator.orgId, [{ type: 'Lead', fields: { Id: id } }]);
      const first = await t.outbound(message);
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await first.text()).toContain('<faultcode>soapenv:Server</faultcode>');
      const again = await t.outbound(message);
      expect(again.status).toBe(200);
      expect(t.emulator.tasksOf(id)).toHaveLength(2);
    },
    SLOW_MACHINE_MS,
  );
});
