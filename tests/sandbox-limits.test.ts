/** The sandbox lives in the process's memory: it holds a bounded number of leads and activities. */
import { describe, expect, it } from 'vitest';
import { SANDBOX_MAX_ACTIVITIES, SANDBOX_MAX_LEADS } from '../src/routes/sandbox.routes.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import { buildTestApp } from './support/test-app.ts';

const track = closedAfterEach();
const NOW = '2026-12-02T15:00:00.000Z';

describe('the sandbox', () => {
  it(`refuses a lead past ${SANDBOX_MAX_LEADS} with 409 sandbox_full, and keeps what it holds`, async () => {
    const t = await buildTestApp({}, NOW);
    track(t.app);
    for (let i = 1; i < SANDBOX_MAX_LEADS; i++) t.sandbox.createLead({ name: `Lead ${i}` });
    const last = await t.app.inject({
      method: 'POST',
      url: '/sandbox/leads',
      payload: { name: 'The last one' },
    });
    expect(last.statusCode).toBe(201);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/sandbox/leads',
      payload: { name: 'One too many' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('sandbox_full');
    expect(t.sandbox.countLeads()).toBe(SANDBOX_MAX_LEADS);
  });

  it(`refuses a logged activity past ${SANDBOX_MAX_ACTIVITIES} on one lead`, async () => {
    const t = await buildTestApp({}, NOW);
    track(t.app);
    const lead = t.sandbox.createLead({ name: 'Ann' });
    for (let i = 0; i < SANDBOX_MAX_ACTIVITIES; i++) {
      t.sandbox.logActivity(lead.id, { channel: 'email', outcome: 'sent' });
    }
    const refused = await t.app.inject({
      method: 'POST',
      url: `/sandbox/leads/${lead.id}/activities`,
      payload: { channel: 'call', outcome: 'no_answer' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('sandbox_full');
    expect(t.sandbox.activitiesOf(lead.id)).toHaveLength(SANDBOX_MAX_ACTIVITIES);
  });
});
