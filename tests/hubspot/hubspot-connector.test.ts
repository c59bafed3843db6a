import { AssociationTypes, Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CALL_OUTCOMES,
  TASK_TO_CONTACT,
  zoneFromHubSpot,
} from '../../connectors/hubspot/hubspot.mapping.ts';
import {
  CALL_DISPOSITIONS,
  type HubSpotEmulator,
  startHubSpotEmulator,
} from '../emulators/hubspot-emulator.ts';
import {
  contactCreated,
  type HubSpotTestApp,
  startHubSpotApp,
  taskStatusChanged,
} from '../support/hubspot-app.ts';

describe('HubSpot mapping', () => {
  it('uses the HubSpot-defined task → contact association type of the SDK', () => {
    expect(TASK_TO_CONTACT).toBe(AssociationTypes.taskToContact);
  });

  it('reads hs_timezone slugs as IANA zones', () => {
    expect(zoneFromHubSpot('america_slash_new_york')).toBe('America/New_York');
    expect(zoneFromHubSpot('america_slash_port_hyphen_au_hyphen_prince')).toBe(
      'America/Port-au-Prince',
    );
    expect(zoneFromHubSpot('europe_slash_berlin')).toBe('Europe/Berlin');
    expect(zoneFromHubSpot('mars_slash_olympus')).toBeUndefined();
    expect(zoneFromHubSpot('')).toBeUndefined();
  });

  it('knows the outcome of each default call disposition', () => {
    expect(CALL_OUTCOMES[CALL_DISPOSITIONS.connected]).toBe('connected');
    expect(CALL_OUTCOMES[CALL_DISPOSITIONS.wrongNumber]).toBe('wrong_number');
    expect(CALL_OUTCOMES[CALL_DISPOSITIONS.noAnswer]).toBe('no_answer');
    expect(CALL_OUTCOMES[CALL_DISPOSITIONS.busy]).toBe('busy');
    expect(CALL_OUTCOMES[CALL_DISPOSITIONS.leftVoicemail]).toBe('voicemail');
  });
});

describe('the HubSpot emulator answers like HubSpot', () => {
  let emulator: HubSpotEmulator;
  let client: Client;
  beforeEach(async () => {
    // The SDK's generated APIs call the legacy v3 paths: the emulator serves them for this check.
    emulator = await startHubSpotEmulator({ legacyApi: true });
    client = new Client({ accessToken: emulator.token, basePath: emulator.url });
  });
  afterEach(async () => {
    await emulator.close();
  });

  async function failure(promise: Promise<unknown>) {
    const error = (await promise.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; body?: { message?: string; category?: string } } | undefined;
    if (!error) throw new Error('expected HubSpot to refuse the request');
    return error;
  }

  const task = (properties: Record<string, string>) =>
    client.crm.objects.tasks.batchApi.create({ inputs: [{ properties, associations: [] }] });

  it('refuses unknown properties, bad enum values and a task without hs_timestamp', async () => {
    const unknown = await failure(
      task({ hs_timestamp: '2026-11-24T15:00:00Z', followup_key: 'x' }),
    );
    expect(unknown.code).toBe(400);
    expect(unknown.body?.category).toBe('VALIDATION_ERROR');
    expect(unknown.body?.message).toContain('PROPERTY_DOESNT_EXIST');

    const option = await failure(
      task({ hs_timestamp: '2026-11-24T15:00:00Z', hs_task_priority: 'URGENT' }),
    );
    expect(option.body?.message).toContain('INVALID_OPTION');

    const undated = await failure(task({ hs_task_subject: 'Call' }));
    expect(undated.body?.message).toContain('hs_timestamp');
  });

  it('refuses a task associated with a contact through the wrong association type', async () => {
    const contactId = emulator.createContact({ firstname: 'Ann' });
    const wrong = await failure(
      client.crm.objects.tasks.batchApi.create({
        inputs: [
          {
            properties: { hs_timestamp: '2026-11-24T15:00:00Z' },
            associations: [
              {
                to: { id: contactId },
                types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 1 }],
              },
            ],
          },
        ],
      }),
    );
    expect(wrong.code).toBe(400);
  });

  it('answers 429 with HubSpot’s rate-limit body and headers', async () => {
    emulator.failNext({ kind: 'rate_limit' });
    const limited = (await failure(client.crm.contacts.basicApi.getPage(1))) as {
      code?: number;
      body?: { policyName?: string; errorType?: string };
      headers?: Record<string, string>;
    };
    expect(limited.code).toBe(429);
    expect(limited.body).toMatchObject({
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    expect(limited.headers?.['x-hubspot-ratelimit-max']).toBe('190');
  });

  it('reports missing records of a batch read as a 207 multi-status', async () => {
    const id = emulator.createContact({ firstname: 'Ann' });
    const page = await client.crm.contacts.batchApi.read({
      inputs: [{ id }, { id: '424242' }],
      properties: ['firstname'],
      propertiesWithHistory: [],
    });
    expect(page.results.map((r) => r.properties.firstname)).toEqual(['Ann']);
    expect('errors' in page && page.errors?.[0]?.category).toBe('OBJECT_NOT_FOUND');
  });
});

describe('HubSpot connector edge cases', () => {
  let t: HubSpotTestApp;
  afterEach(async () => {
    await t?.close();
  });

  it('puts tasks on the default owner when HubSpot refuses the contact’s owner', async () => {
    t = await startHubSpotApp('2026-11-24T15:00:00.000Z', { HUBSPOT_DEFAULT_OWNER_ID: '101' });
    t.emulator.owners.add('101');
    const id = t.emulator.createContact({ firstname: 'Ann' });
    // The owner was deactivated after being set on the contact.
    t.emulator.owners.add('555');
    t.emulator.updateContact(id, { hubspot_owner_id: '555' });
    t.emulator.owners.delete('555');
    const response = await t.deliver([contactCreated(id)]);
    expect(response.status).toBe(200);
    expect(t.emulator.tasksOf(id).map((task) => task.properties.hubspot_owner_id)).toEqual([
      '101',
      '101',
    ]);
    // Later deliveries stay green even though the contact's owner cannot take tasks.
    const again = await t.deliver([contactCreated(id)]);
    expect(again.status).toBe(200);
  });

  it('schedules in the contact’s hs_timezone', async () => {
    // Tuesday 10:00 in New York is 07:00 in Los Angeles: the first tasks wait for 09:00 there.
    t = await startHubSpotApp('2026-11-24T15:00:00.000Z', {
      BUSINESS_HOURS: 'Mon-Fri 07:00-20:00',
      LEAD_CONTACT_HOURS: '09:00-20:00',
    });
    const id = t.emulator.createContact({
      firstname: 'Lu',
      hs_timezone: 'america_slash_los_angeles',
    });
    await t.deliver([contactCreated(id)]);
    const dues = t.emulator.tasksOf(id).map((task) => task.properties.hs_timestamp);
    expect(dues).toEqual(['2026-11-24T17:00:00.000Z', '2026-11-24T17:00:00.000Z']);
  });

  it('applies the calling rules of the contact’s state property (Florida ends at 20:00)', async () => {
    // Monday 20:30 in New York: the federal rule allows a call until 21:00, Florida until 20:00.
    t = await startHubSpotApp('2026-11-24T01:30:00.000Z', {
      TIMEZONE: 'America/New_York',
      BUSINESS_HOURS: 'Mon-Fri 07:00-22:00',
      LEAD_CONTACT_HOURS: '07:00-22:00',
    });
    const florida = t.emulator.createContact({ phone: '+1 212 555 0100', state: 'FL' });
    const newYork = t.emulator.createContact({ phone: '+1 212 555 0100' });
    await t.deliver([florida, newYork].map((id) => contactCreated(id)));
    const callDue = (id: string) =>
      t.emulator.tasksOf(id).find((task) => task.properties.hs_task_type === 'CALL')?.properties
        .hs_timestamp;
    expect(callDue(newYork)).toBe('2026-11-24T01:30:00.000Z');
    // Tuesday 08:00 in New York: no rule allows a call before 08:00, whatever the contact hours.
    expect(callDue(florida)).toBe('2026-11-24T13:00:00.000Z');
  });

  it('re-decides the contacts of a task when the task changes, and only those', async () => {
    t = await startHubSpotApp('2026-11-24T15:00:00.000Z');
    const a = t.emulator.createContact({ firstname: 'A' });
    const b = t.emulator.createContact({ firstname: 'B' });
    await t.deliver([a, b].map((id) => contactCreated(id)));
    const [callA] = t.emulator.tasksOf(a);
    t.emulator.updateTask(callA?.id ?? '', { hs_task_status: 'COMPLETED' });
    const response = await t.deliver([taskStatusChanged(callA?.id ?? '')]);
    expect(await response.json()).toMatchObject({ leads: 1, created: 1 });
  });
});

describe('the HubSpot emulator search', () => {
  let emulator: HubSpotEmulator;
  afterEach(async () => {
    await emulator.close();
  });

  it('filters, sorts and pages like the CRM search API', async () => {
    let now = Date.parse('2026-11-24T15:00:00.000Z');
    emulator = await startHubSpotEmulator({ now: () => now, legacyApi: true });
    const client = new Client({ accessToken: emulator.token, basePath: emulator.url });
    for (let i = 0; i < 5; i++) {
      emulator.createContact({ firstname: `C${i}` });
      now += 60_000;
    }
    const since = '2026-11-24T15:01:00.000Z';
    const first = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'createdate', operator: 'GTE' as never, value: since }] },
      ],
      sorts: ['createdate'],
      properties: ['firstname'],
      limit: 3,
      after: '0',
    });
    expect(first.total).toBe(4);
    expect(first.results.map((r) => r.properties.firstname)).toEqual(['C1', 'C2', 'C3']);
    const after = first.paging?.next?.after;
    expect(after).toBeDefined();
    const second = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'createdate', operator: 'GTE' as never, value: since }] },
      ],
      sorts: ['createdate'],
      properties: ['firstname'],
      limit: 3,
      after: after ?? '',
    });
    expect(second.results.map((r) => r.properties.firstname)).toEqual(['C4']);
    expect(second.paging).toBeUndefined();
  });
});
