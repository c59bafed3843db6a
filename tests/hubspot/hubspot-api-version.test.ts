/**
 * The connector calls one date-based HubSpot API version (`HUBSPOT_API_VERSION`) and nothing
 * of the legacy /crm/v3 and /crm/v4 APIs, whose support ends in 2027
 * (https://developers.hubspot.com/changelog/legacy-apis-and-legacy-apps-whats-going-unsupported-and-when).
 */
import { Client } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { HUBSPOT_API_VERSION, hubspotApi } from '../../connectors/hubspot/hubspot.rest.ts';
import { startHubSpotEmulator } from '../emulators/hubspot-emulator.ts';
import { closedAfterEach } from '../support/closed-after-each.ts';
import { objectEvent, startHubSpotApp } from '../support/hubspot-app.ts';
import { fullDayOfWork } from '../support/hubspot-day.ts';

const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const track = closedAfterEach();

describe('the HubSpot connector calls only the date-based API version it names', () => {
  it('a full day of work sends nothing to /crm/v3 or /crm/v4, even where they still answer', async () => {
    // The legacy paths are served here, so a legacy call would succeed and only this check fails.
    const t = track(
      await startHubSpotApp(
        TUESDAY_10AM,
        { ADMIN_TOKEN, CRM_RATE_LIMIT: '0' },
        { legacyApi: true },
      ),
    );
    await fullDayOfWork(t, ADMIN_TOKEN);

    const calls = [...t.startup, ...t.emulator.requests].map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => /\/crm\/v\d+\//.test(c))).toEqual([]);
    const version = HUBSPOT_API_VERSION.replace('-', '\\-');
    const dated = new RegExp(`^(GET|POST) /crm/(objects|associations|properties)/${version}/`);
    expect(calls.filter((c) => !dated.test(c))).toEqual([]);
    // Every kind of call the connector makes was among them.
    const kinds = new Set(
      calls.map((c) => c.replace(/\d+$/, ':id').replace(/\/crm\/\w+\/[\d-]+/, '')),
    );
    expect([...kinds].sort()).toEqual(
      [
        'GET /contacts',
        'GET /contacts/:id',
        'GET /contacts/hs_lead_status',
        'POST /calls/batch/read',
        'POST /calls/contacts/batch/read',
        'POST /calls/search',
        'POST /contacts/batch/read',
        'POST /contacts/calls/batch/read',
        'POST /contacts/emails/batch/read',
        'POST /contacts/search',
        'POST /contacts/tasks/batch/read',
        'POST /emails/batch/read',
        'POST /emails/contacts/batch/read',
        'POST /emails/search',
        'POST /tasks/batch/archive',
        'POST /tasks/batch/create',
        'POST /tasks/batch/read',
        'POST /tasks/batch/update',
        'POST /tasks/contacts/batch/read',
        'POST /tasks/search',
      ].sort(),
    );
  });
});

describe('the HubSpot emulator serves the versions HubSpot serves', () => {
  it('refuses the legacy paths unless told to serve them, as HubSpot will after the cut-off', async () => {
    const emulator = track(await startHubSpotEmulator());
    const client = new Client({ accessToken: emulator.token, basePath: emulator.url });
    const refused = (await client.crm.contacts.basicApi.getPage(1).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; body?: { message?: string } } | undefined;
    expect(refused?.code).toBe(404);
    expect(refused?.body?.message).toContain('no longer supported');
    const api = hubspotApi(client, []);
    await expect(api.get(`/crm/objects/${HUBSPOT_API_VERSION}/contacts`)).resolves.toMatchObject({
      results: [],
    });
    // A version HubSpot never published is no route at all.
    await expect(api.get('/crm/objects/2026-06/contacts')).rejects.toMatchObject({ code: 404 });
  });

  it('reports a missing record of a batch read in a 200 from 2026-09, in a 207 before', async () => {
    const emulator = track(await startHubSpotEmulator({ legacyApi: true }));
    const id = emulator.createContact({ firstname: 'Ann' });
    const seen: number[] = [];
    const client = new Client({ accessToken: emulator.token, basePath: emulator.url });
    const api = hubspotApi(client, [{ post: (c) => seen.push(c.httpStatusCode) }]);
    const body = { inputs: [{ id }, { id: '424242' }], properties: [], propertiesWithHistory: [] };
    for (const path of [
      '/crm/objects/2026-09/contacts/batch/read',
      '/crm/objects/2026-03/contacts/batch/read',
      '/crm/v3/objects/contacts/batch/read',
    ]) {
      const page = await api.post<{ results: unknown[]; errors: { category: string }[] }>(
        path,
        body,
      );
      expect(page.results).toHaveLength(1);
      expect(page.errors.map((e) => e.category)).toEqual(['OBJECT_NOT_FOUND']);
    }
    expect(seen).toEqual([200, 207, 207]);
  });
});

describe('an account validation rule, enforced on writes from 2026-09', () => {
  it('a required task field the service does not fill: refused once, answered with the rule named', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM));
    // An admin made "Task region" required on the task Create Record form.
    t.emulator.requireOnCreate('tasks', 'task_region');
    const id = t.emulator.createContact({ firstname: 'Ann', phone: '+1 212 555 0100' });
    const response = await t.deliver([objectEvent('contact', 'creation', id)]);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(502);
    expect(error.code).toBe('crm_rejected');
    expect(error.message).toContain('validation rule an admin of the HubSpot account set');
    expect(error.message).toContain('MISSING_REQUIRED_PROPERTY: A value for task_region');
    expect(t.emulator.tasksOf(id)).toEqual([]);
    // Not tried again: no retry can satisfy the rule.
    const creates = t.emulator.requests.filter((r) => r.path.endsWith('/tasks/batch/create'));
    expect(creates.map((r) => r.status)).toEqual([400]);
  });
});
