/**
 * The service as a developer-platform (project) app meets it: generic `object.*` events with
 * `objectTypeId`, several requests at once (the webhooks component's maxConcurrentRequests), the
 * admin's do-not-call checkbox, and the scopes of deploy/hubspot-app.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_CONCURRENT_REQUESTS } from '../../connectors/hubspot/hubspot.subscriptions.ts';
import { CALL_DISPOSITIONS, type StoredObject } from '../emulators/hubspot-emulator.ts';
import { closedAfterEach } from '../support/closed-after-each.ts';
import { type HubSpotTestApp, objectEvent, startHubSpotApp } from '../support/hubspot-app.ts';
import { fullDayOfWork } from '../support/hubspot-day.ts';
import { appSchema } from '../support/hubspot-project.schema.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const track = closedAfterEach();

const channels = (tasks: readonly StoredObject[]) =>
  tasks
    .filter((task) => task.properties.hs_task_status !== 'COMPLETED')
    .map((task) => task.properties.hs_task_type)
    .sort();

function contact(t: HubSpotTestApp, extra: Record<string, string> = {}): string {
  return t.emulator.createContact({
    firstname: 'Jane',
    lastname: 'Doe',
    phone: '+1 212 555 0100',
    hubspot_owner_id: '101',
    ...extra,
  });
}

async function expectOk(response: Response) {
  const body = (await response.json()) as Record<string, number>;
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body;
}

describe('HubSpot project app: generic object events', () => {
  it('starts, steers and stops cadences from object.creation / object.propertyChange batches', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM));
    const [a, b] = [contact(t), contact(t, { firstname: 'Joe' })];
    const first = await expectOk(
      await t.deliver([
        objectEvent('contact', 'creation', a),
        objectEvent('contact', 'creation', b),
      ]),
    );
    expect(first).toMatchObject({ events: 2, created: 4, ignored: 0 });

    // One batch: b leaves the open statuses, a's call is logged as connected.
    t.advance(20);
    t.emulator.updateContact(b, { hs_lead_status: 'UNQUALIFIED' });
    const call = t.emulator.logCall(a, {
      hs_timestamp: new Date(t.now()).toISOString(),
      hs_call_disposition: CALL_DISPOSITIONS.connected,
    });
    const second = await expectOk(
      await t.deliver([
        objectEvent('contact', 'propertyChange', b, {
          propertyName: 'hs_lead_status',
          propertyValue: 'UNQUALIFIED',
          changeSource: 'CRM_UI',
        }),
        objectEvent('call', 'creation', call),
        // Noise a project app also receives: it is acknowledged, not acted on.
        objectEvent('contact', 'propertyChange', a, {
          propertyName: 'email',
          propertyValue: 'x@y.z',
        }),
      ]),
    );
    expect(second).toMatchObject({ events: 3, ignored: 1 });
    expect(channels(t.emulator.tasksOf(a))).toEqual([]);
    expect(channels(t.emulator.tasksOf(b))).toEqual([]);
  });

  it('accepts a merge with the fields HubSpot documents and re-decides the surviving contact', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM));
    const survivor = contact(t);
    const merge = objectEvent('contact', 'merge', survivor, {
      primaryObjectId: Number(survivor),
      mergedObjectIds: [Number(survivor) + 1],
      newObjectId: Number(survivor),
      numberOfPropertiesMoved: 3,
    });
    expect(await expectOk(await t.deliver([merge]))).toMatchObject({ created: 2, ignored: 0 });
  });

  it(`${MAX_CONCURRENT_REQUESTS} requests at once, overlapping on contacts, create each task once`, async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM));
    const ids = Array.from({ length: 30 }, () => contact(t));
    // HubSpot batches up to 100 events a request and keeps up to maxConcurrentRequests in flight;
    // every request here names 10 contacts, each contact is in several requests.
    const requests = Array.from({ length: MAX_CONCURRENT_REQUESTS }, (_, r) =>
      ids
        .slice((r * 2) % 20, ((r * 2) % 20) + 10)
        .map((id) => objectEvent('contact', 'creation', id)),
    );
    const answers = await Promise.all(requests.map((events) => t.deliver(events)));
    for (const answer of answers) await expectOk(answer);
    for (const id of ids.slice(0, 28))
      expect(channels(t.emulator.tasksOf(id))).toEqual(['CALL', 'EMAIL']);
  });
});

describe('HubSpot do-not-call (HUBSPOT_DO_NOT_CALL_PROPERTY)', () => {
  async function app() {
    const t = track(
      await startHubSpotApp(TUESDAY_10AM, { HUBSPOT_DO_NOT_CALL_PROPERTY: 'do_not_call' }),
    );
    // The admin's single-checkbox contact property (Settings → Properties → Create property).
    t.emulator.createContactProperty('do_not_call', 'bool');
    return t;
  }

  it('a contact marked do-not-call gets its email steps and no call task', async () => {
    const t = await app();
    const marked = contact(t, { do_not_call: 'true' });
    const other = contact(t, { do_not_call: 'false' });
    await expectOk(
      await t.deliver([
        objectEvent('contact', 'creation', marked),
        objectEvent('contact', 'creation', other),
      ]),
    );
    expect(channels(t.emulator.tasksOf(marked))).toEqual(['EMAIL']);
    expect(channels(t.emulator.tasksOf(other))).toEqual(['CALL', 'EMAIL']);
  });

  it('ticking the box later removes the open call task and keeps the emails', async () => {
    const t = await app();
    const id = contact(t);
    await expectOk(await t.deliver([objectEvent('contact', 'creation', id)]));
    t.advance(5);
    t.emulator.updateContact(id, { do_not_call: 'true' });
    const answer = await expectOk(
      await t.deliver([
        objectEvent('contact', 'propertyChange', id, {
          propertyName: 'do_not_call',
          propertyValue: 'true',
        }),
      ]),
    );
    expect(answer).toMatchObject({ ignored: 0 });
    expect(channels(t.emulator.tasksOf(id))).toEqual(['EMAIL']);
  });

  it('without the variable the same checkbox is just a property, and its change is ignored', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM));
    t.emulator.createContactProperty('do_not_call', 'bool');
    const id = contact(t, { do_not_call: 'true' });
    await expectOk(await t.deliver([objectEvent('contact', 'creation', id)]));
    expect(channels(t.emulator.tasksOf(id))).toEqual(['CALL', 'EMAIL']);
    const change = objectEvent('contact', 'propertyChange', id, { propertyName: 'do_not_call' });
    expect(await expectOk(await t.deliver([change]))).toMatchObject({ ignored: 1 });
  });
});

/**
 * The scope each endpoint needs, from HubSpot's API guides: tasks and calls "require one of
 * crm.objects.contacts.read / .write" (developers.hubspot.com/docs/api-reference/latest/crm/
 * activities/tasks/guide, …/calls/guide); email content needs sales-email-read on top
 * (changelog: "New scope required to get the content of email engagements"). The 2026-09
 * OpenAPI documents name the same scopes on each endpoint the connector calls
 * (github.com/HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/…/2026-09).
 */
function scopesOf(method: string, path: string): string[] {
  const read = (type: string | undefined) =>
    type === 'emails'
      ? ['crm.objects.contacts.read', 'sales-email-read']
      : ['crm.objects.contacts.read'];
  // A property's definition (the start-up's lead-status check): the 2026-09 Properties document
  // lists alternatives, crm.objects.contacts.read among them (PublicApiSpecs/CRM/Properties/
  // Rollouts/145899/2026-09/properties.json).
  if (/^\/crm\/properties\/2026-09\/contacts\/\w+$/.test(path))
    return ['crm.objects.contacts.read'];
  const association = /^\/crm\/associations\/2026-09\/(\w+)\/(\w+)\/batch\/read$/.exec(path);
  if (association) return [...read(association[1]), ...read(association[2])];
  // A single record (`/objects/contacts/123`, read with its associations' ids) needs its read scope.
  const object = /^\/crm\/objects\/2026-09\/(\w+)(?:\/batch\/(\w+)|\/search|\/\d+)?$/.exec(path);
  if (!object) throw new Error(`no scope known for ${method} ${path}`);
  const write = ['create', 'update', 'archive'].includes(object[2] ?? '');
  return write ? ['crm.objects.contacts.write'] : read(object[1]);
}

describe('the app asks for the scopes the connector uses, and no more', () => {
  it('every endpoint a full day of work calls is covered, and every scope is used', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM, { ADMIN_TOKEN, CRM_RATE_LIMIT: '0' }));
    await fullDayOfWork(t, ADMIN_TOKEN);

    const requests = [...t.startup, ...t.emulator.requests];
    const used = new Set(requests.flatMap((r) => scopesOf(r.method, r.path)));
    const paths = new Set(requests.map((r) => r.path.replace(/\d+/g, ':id')));
    // The scenario reached every kind of call the connector makes.
    for (const path of [
      '/tasks/batch/create',
      '/tasks/batch/update',
      '/tasks/batch/archive',
      '/emails/batch/read',
      '/calls/search',
      '/contacts/search',
      '/contacts/hs_lead_status',
    ]) {
      expect(
        [...paths].some((p) => p.endsWith(path)),
        path,
      ).toBe(true);
    }
    const app = appSchema.parse(
      JSON.parse(
        readFileSync(
          new URL('../../deploy/hubspot-app/src/app/app-hsmeta.json', import.meta.url),
          'utf8',
        ),
      ),
    );
    // `oauth` is the baseline scope HubSpot's own static-auth template declares.
    expect(new Set(app.config.auth.requiredScopes)).toEqual(new Set(['oauth', ...used]));
    expect(app.config.auth.optionalScopes).toEqual([]);
  });
});
