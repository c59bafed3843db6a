import type { InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../src/app.ts';
import { buildTestApp, type TestApp } from './support/test-app.ts';

let t: TestApp;
afterEach(async () => {
  await t?.app.close();
});

const NOW = '2026-11-24T15:00:00.000Z';

async function expectError(request: InjectOptions, status: number, code: string) {
  const res = await t.app.inject(request);
  expect(res.statusCode).toBe(status);
  expect(res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  return res.json();
}

describe('HTTP surface', () => {
  it('answers health and readiness', async () => {
    t = await buildTestApp({}, NOW);
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toEqual({
      status: 'ready',
      connector: 'sandbox',
    });
  });

  it('returns the effective cadence', async () => {
    t = await buildTestApp({}, NOW);
    const cadence = (await t.app.inject('/cadence')).json();
    expect(cadence.id).toBe('research-default');
    expect(cadence.steps).toHaveLength(11);
  });

  it('previews the whole default timeline: 6 calls and 5 emails', async () => {
    t = await buildTestApp({ TIMEZONE: 'America/Chicago' }, NOW);
    const res = await t.app.inject({
      method: 'POST',
      url: '/cadence/preview',
      payload: { createdAt: '2026-11-24T10:00:00-06:00', phone: '+1 312 555 0100' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.timezone).toBe('America/Chicago');
    expect(body.steps.map((s: { step: number }) => s.step)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    expect(body.steps[0]).toMatchObject({
      channel: 'call',
      dueAt: '2026-11-24T16:00:00.000Z',
      localDueAt: '2026-11-24T10:00:00.000-06:00',
    });
  });

  it('refuses a preview without a valid createdAt or with an unknown zone', async () => {
    t = await buildTestApp({}, NOW);
    const bad = await expectError(
      {
        method: 'POST',
        url: '/cadence/preview',
        payload: { createdAt: 'yesterday', timezone: 'Mars/Base' },
      },
      400,
      'validation_failed',
    );
    expect(bad.error.issues.map((i: { path: string }) => i.path)).toEqual([
      'createdAt',
      'timezone',
    ]);
  });

  it('takes a preview date only with an offset or Z, in the years 2000 to 2099, and says so', async () => {
    t = await buildTestApp({}, NOW);
    for (const createdAt of [
      '2026-11-24T10:00:00',
      '2026-11-24',
      '9999-01-01T00:00:00Z',
      '1999-12-31T23:59:59Z',
      '2099-12-31T23:00:00-05:00',
    ]) {
      const bad = await expectError(
        { method: 'POST', url: '/cadence/preview', payload: { createdAt } },
        400,
        'validation_failed',
      );
      expect(bad.error.issues).toEqual([
        {
          path: 'createdAt',
          message: expect.stringMatching(/with an offset or Z .* in the years 2000 to 2099/),
        },
      ]);
    }
    for (const createdAt of ['2000-01-01T00:00:00Z', '2099-12-31T18:00:00-05:00']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/cadence/preview',
        payload: { createdAt },
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('gives JSON 404 for unknown routes, leads and tasks', async () => {
    t = await buildTestApp({}, NOW);
    await expectError({ method: 'GET', url: '/nope' }, 404, 'not_found');
    await expectError({ method: 'GET', url: '/sandbox/leads/lead-9' }, 404, 'lead_not_found');
    await expectError(
      { method: 'POST', url: '/sandbox/tasks/task-9/complete', payload: { outcome: 'sent' } },
      404,
      'task_not_found',
    );
  });

  it('refuses malformed JSON, wrong types, unknown fields and huge bodies without creating a lead', async () => {
    t = await buildTestApp({}, NOW);
    const post = { method: 'POST' as const, url: '/sandbox/leads' };
    await expectError(
      { ...post, headers: { 'content-type': 'application/json' }, payload: '{"name":' },
      400,
      'invalid_json',
    );
    await expectError({ ...post, payload: { name: 42 } }, 400, 'validation_failed');
    await expectError({ ...post, payload: { name: 'A', role: 'admin' } }, 400, 'validation_failed');
    await expectError(
      { ...post, payload: { name: 'A', email: 'not-an-email' } },
      400,
      'validation_failed',
    );
    await expectError(
      { ...post, headers: { 'content-type': 'text/plain' }, payload: 'name=A' },
      415,
      'unsupported_media_type',
    );
    await expectError(
      { ...post, payload: { name: 'x'.repeat(BODY_LIMIT_BYTES) } },
      413,
      'body_too_large',
    );
    expect(t.sandbox.listLeads()).toEqual([]);
  });

  it('refuses completing a call without an outcome, or a task twice', async () => {
    t = await buildTestApp({}, NOW);
    const lead = (
      await t.app.inject({ method: 'POST', url: '/sandbox/leads', payload: { name: 'A' } })
    ).json();
    const call = lead.tasks.find((task: { channel: string }) => task.channel === 'call');
    const email = lead.tasks.find((task: { channel: string }) => task.channel === 'email');
    const url = `/sandbox/tasks/${call.id}/complete`;
    await expectError({ method: 'POST', url, payload: {} }, 400, 'outcome_required');
    await expectError(
      { method: 'POST', url, payload: { outcome: 'maybe' } },
      400,
      'validation_failed',
    );
    expect(t.sandbox.getTask(call.id)?.status).toBe('open');
    const emailUrl = `/sandbox/tasks/${email.id}/complete`;
    expect((await t.app.inject({ method: 'POST', url: emailUrl })).statusCode).toBe(200);
    await expectError({ method: 'POST', url: emailUrl }, 409, 'task_not_open');
  });

  it("refuses an outcome the task's channel cannot have, and changes nothing", async () => {
    t = await buildTestApp({}, NOW);
    const lead = (
      await t.app.inject({ method: 'POST', url: '/sandbox/leads', payload: { name: 'A' } })
    ).json();
    const before = JSON.stringify(t.sandbox.listLeads().map((l) => t.sandbox.tasksOf(l.id)));
    for (const [channel, outcome] of [
      ['call', 'sent'],
      ['call', 'replied'],
      ['email', 'busy'],
      ['email', 'no_answer'],
      ['email', 'connected'],
    ]) {
      const task = lead.tasks.find((x: { channel: string }) => x.channel === channel);
      const bad = await expectError(
        { method: 'POST', url: `/sandbox/tasks/${task.id}/complete`, payload: { outcome } },
        400,
        'outcome_not_for_channel',
      );
      const article = channel === 'email' ? 'an' : 'a';
      expect(bad.error.message).toContain(
        `"${outcome}" is not an outcome of ${article} ${channel} task`,
      );
    }
    expect(JSON.stringify(t.sandbox.listLeads().map((l) => t.sandbox.tasksOf(l.id)))).toBe(before);
  });

  it('refuses an empty lead update', async () => {
    t = await buildTestApp({}, NOW);
    const lead = (
      await t.app.inject({ method: 'POST', url: '/sandbox/leads', payload: { name: 'A' } })
    ).json();
    await expectError(
      { method: 'PATCH', url: `/sandbox/leads/${lead.id}`, payload: {} },
      400,
      'validation_failed',
    );
    await expectError(
      { method: 'PATCH', url: `/sandbox/leads/${lead.id}`, payload: { status: 'won' } },
      400,
      'validation_failed',
    );
    expect(t.sandbox.getLead(lead.id)?.status).toBe('new');
  });

  it('echoes a request id', async () => {
    t = await buildTestApp({}, NOW);
    const res = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });
});
