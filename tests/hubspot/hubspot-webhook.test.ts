import { afterEach, describe, expect, it } from 'vitest';
import { CALL_DISPOSITIONS, type StoredObject } from '../emulators/hubspot-emulator.ts';
import { captureLogs } from '../support/captured-logs.ts';
import {
  CLIENT_SECRET,
  callLogged,
  contactCreated,
  type HubSpotTestApp,
  hubspotEvent,
  PUBLIC_URL,
  signV3,
  startHubSpotApp,
  taskStatusChanged,
} from '../support/hubspot-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const MINUTE = 60_000;

let t: HubSpotTestApp;
afterEach(async () => {
  await t?.close();
});

const created = contactCreated;
const contactChange = (objectId: string, propertyName: string, propertyValue: string) =>
  hubspotEvent({
    subscriptionType: 'contact.propertyChange',
    objectId: Number(objectId),
    propertyName,
    propertyValue,
  });
const taskChange = taskStatusChanged;

function openTasks(contactId: string): StoredObject[] {
  return t.emulator
    .tasksOf(contactId)
    .filter((task) => task.properties.hs_task_status !== 'COMPLETED')
    .sort((a, b) => Number(a.id) - Number(b.id));
}

function newContact(extra: Record<string, string> = {}): string {
  return t.emulator.createContact({
    firstname: 'Jane',
    lastname: 'Doe',
    company: 'Acme',
    phone: '+1 212 555 0100',
    hubspot_owner_id: '101',
    ...extra,
  });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}

async function expectOk(response: Response) {
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as Record<string, number>;
}

describe('HubSpot webhook: a new contact', () => {
  it('gets call 1 and email 1 as HubSpot tasks with due times, reminders and its owner', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    t.emulator.owners.add('101');
    const id = newContact();
    const summary = await expectOk(await t.deliver([created(id)]));
    expect(summary).toMatchObject({ events: 1, leads: 1, created: 2, closed: 0 });

    const [call, email] = openTasks(id);
    expect(call?.properties).toMatchObject({
      hs_task_type: 'CALL',
      hs_task_subject: 'Call 1 of 6 — Jane Doe (Acme)',
      hs_task_priority: 'HIGH',
      hs_task_status: 'NOT_STARTED',
      hs_timestamp: TUESDAY_10AM,
      hs_task_reminders: String(Date.parse(TUESDAY_10AM)),
      hubspot_owner_id: '101',
    });
    expect(call?.properties.hs_task_body).toContain(
      `Lead follow-up: call step ${id}:research-default:1`,
    );
    expect(email?.properties).toMatchObject({
      hs_task_type: 'EMAIL',
      hs_task_subject: 'Email 1 of 5 — Jane Doe (Acme)',
      hs_task_priority: 'MEDIUM',
      hubspot_owner_id: '101',
    });
    expect(t.emulator.contactsOf('tasks', call?.id ?? '')).toEqual([id]);
  });

  it('costs a handful of API calls for a batch of 100 new contacts, not hundreds', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const ids = Array.from({ length: 100 }, (_, i) => newContact({ firstname: `Lead${i}` }));
    const summary = await expectOk(await t.deliver(ids.map(created)));
    expect(summary).toMatchObject({ events: 100, leads: 100, created: 200 });
    // 1 contact read, 3 association reads (tasks, calls, emails), 2 task creates of 100, and
    // the twin check's association read (the tasks it just wrote need no re-read).
    expect(t.emulator.requests.map((r) => r.path)).toHaveLength(7);
    for (const id of ids) expect(openTasks(id)).toHaveLength(2);
  });

  it('sends the two creates of a 100-contact batch side by side: one round trip, not two', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const ids = Array.from({ length: 100 }, (_, i) => newContact({ firstname: `Lead${i}` }));
    // The first create is slow: sent one after the other, the second would start after it.
    t.emulator.failNext({ kind: 'slow', ms: 300 }, { path: '/tasks/batch/create' });
    await expectOk(await t.deliver(ids.map(created)));
    const creates = t.emulator.requests.filter((r) => r.path.endsWith('/tasks/batch/create'));
    expect(creates).toHaveLength(2);
    expect(Math.max(...creates.map((r) => r.inFlight))).toBe(2);
    for (const id of ids) expect(openTasks(id)).toHaveLength(2);
  });

  it('costs three API calls for a single new contact, as HubSpot sends them when traffic is light', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    // The contact read with its associations (none yet), one task create, the twin check.
    expect(t.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /crm/objects/2026-09/contacts/${id}`,
      'POST /crm/objects/2026-09/tasks/batch/create',
      'POST /crm/associations/2026-09/contacts/tasks/batch/read',
    ]);
    expect(openTasks(id)).toHaveLength(2);
    // Once it has tasks, the same read finds them by their associations: one read of the tasks.
    const before = t.emulator.requests.length;
    await expectOk(await t.deliver([created(id)]));
    expect(t.emulator.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /crm/objects/2026-09/contacts/${id}`,
      'POST /crm/objects/2026-09/tasks/batch/read',
    ]);
  });

  it('creates no twin when the same delivery arrives twice', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    const delivery = [created(id)];
    await expectOk(await t.deliver(delivery));
    // HubSpot's retry a minute later: the same events, signed anew.
    t.advance(1);
    const again = await expectOk(await t.deliver(delivery));
    expect(again.created).toBe(0);
    expect(openTasks(id)).toHaveLength(2);
  });

  it('answers a replayed signed request as it did the first time, without reading the CRM again', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    const body = JSON.stringify([created(id)]);
    const first = await expectOk(await t.deliver(undefined, { body }));
    expect(first.created).toBe(2);
    const before = t.emulator.requests.length;
    // The captured request sent again, ten at once, within the signature's five minutes.
    t.advance(3);
    const timestamp = Date.parse(TUESDAY_10AM);
    const replays = await Promise.all(
      Array.from({ length: 10 }, () => t.deliver(undefined, { body, timestamp })),
    );
    for (const replay of replays) expect(await expectOk(replay)).toEqual(first);
    expect(t.emulator.requests.length).toBe(before);
    expect(openTasks(id)).toHaveLength(2);
  });

  it('leaves tasks of an unowned contact to HUBSPOT_DEFAULT_OWNER_ID', async () => {
    t = await startHubSpotApp(TUESDAY_10AM, { HUBSPOT_DEFAULT_OWNER_ID: '777' });
    const id = newContact({ hubspot_owner_id: '' });
    await expectOk(await t.deliver([created(id)]));
    expect(openTasks(id).map((task) => task.properties.hubspot_owner_id)).toEqual(['777', '777']);
  });

  it('acknowledges a contact that no longer exists without writing anything', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const summary = await expectOk(await t.deliver([created('999999')]));
    expect(summary).toMatchObject({ leads: 1, created: 0, notFound: 1 });
  });
});

describe('HubSpot webhook: the cadence follows what the rep does', () => {
  it('opens call 2 30-60 minutes after call 1 is completed', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    const [call1] = openTasks(id);
    t.advance(5);
    t.emulator.updateTask(call1?.id ?? '', { hs_task_status: 'COMPLETED' });
    await expectOk(await t.deliver([taskChange(call1?.id ?? '')]));

    const call2 = openTasks(id).find((task) => task.properties.hs_task_type === 'CALL');
    expect(call2?.properties.hs_task_subject).toBe('Call 2 of 6 — Jane Doe (Acme)');
    const completedAt = t.now();
    expect(Number(call2?.properties.hs_task_reminders)).toBe(completedAt + 30 * MINUTE);
    expect(Date.parse(call2?.properties.hs_timestamp ?? '')).toBe(completedAt + 60 * MINUTE);
  });

  it('closes every open task and creates none when the lead status becomes UNQUALIFIED', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    t.emulator.updateContact(id, { hs_lead_status: 'UNQUALIFIED' });
    const summary = await expectOk(
      await t.deliver([contactChange(id, 'hs_lead_status', 'UNQUALIFIED')]),
    );
    expect(summary).toMatchObject({ created: 0, closed: 2 });
    expect(t.emulator.tasksOf(id)).toEqual([]);
    expect(t.emulator.tasksOf(id, { archived: true })).toHaveLength(2);
  });

  it('keeps the cadence for the default open statuses', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact({ hs_lead_status: 'ATTEMPTED_TO_CONTACT' });
    const summary = await expectOk(await t.deliver([created(id)]));
    expect(summary.created).toBe(2);
  });

  it('reads HUBSPOT_OPEN_LEAD_STATUSES without case: new,open keeps a NEW contact going', async () => {
    // Compared exactly, every NEW contact counted as closed and got no task at all.
    t = await startHubSpotApp(TUESDAY_10AM, { HUBSPOT_OPEN_LEAD_STATUSES: 'new,open' });
    const id = newContact({ hs_lead_status: 'NEW' });
    const summary = await expectOk(await t.deliver([created(id)]));
    expect(summary).toMatchObject({ created: 2, closed: 0 });
    t.emulator.updateContact(id, { hs_lead_status: 'UNQUALIFIED' });
    await expectOk(await t.deliver([contactChange(id, 'hs_lead_status', 'UNQUALIFIED')]));
    expect(openTasks(id)).toEqual([]);
  });

  it('stops when a connected call is logged', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    t.advance(3);
    const call = t.emulator.logCall(id, {
      hs_timestamp: new Date(t.now()).toISOString(),
      hs_call_disposition: CALL_DISPOSITIONS.connected,
    });
    const summary = await expectOk(await t.deliver([callLogged(call)]));
    expect(summary).toMatchObject({ leads: 1, closed: 2, created: 0 });
    expect(openTasks(id)).toEqual([]);
  });

  it('stops calling but keeps emailing after a wrong-number call', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    const call = t.emulator.logCall(id, {
      hs_timestamp: new Date(t.now()).toISOString(),
      hs_call_disposition: CALL_DISPOSITIONS.wrongNumber,
    });
    await expectOk(await t.deliver([callLogged(call)]));
    expect(openTasks(id).map((task) => task.properties.hs_task_type)).toEqual(['EMAIL']);
  });

  it('counts a no-answer call as the attempt of call 1 and goes on to call 2', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    const call = t.emulator.logCall(id, {
      hs_timestamp: new Date(t.now()).toISOString(),
      hs_call_disposition: CALL_DISPOSITIONS.noAnswer,
    });
    const summary = await expectOk(await t.deliver([callLogged(call)]));
    // The call was logged when call 1 fell due: it is call 1's attempt (issue 17).
    expect(summary).toMatchObject({ completed: 1, created: 1, closed: 0 });
    expect(openTasks(id)).toHaveLength(2);
  });

  it('drops the email track when the contact opts out of email', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    t.emulator.updateContact(id, { hs_email_optout: 'true' });
    await expectOk(await t.deliver([contactChange(id, 'hs_email_optout', 'true')]));
    expect(openTasks(id).map((task) => task.properties.hs_task_type)).toEqual(['CALL']);
  });

  it('moves open tasks to the new owner when the contact changes hands', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    t.emulator.updateContact(id, { hubspot_owner_id: '202' });
    const summary = await expectOk(await t.deliver([contactChange(id, 'hubspot_owner_id', '202')]));
    expect(summary.reassigned).toBe(2);
    expect(openTasks(id).map((task) => task.properties.hubspot_owner_id)).toEqual(['202', '202']);
  });

  it('finds its task by the step key in the body even after the rep renames it', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    await expectOk(await t.deliver([created(id)]));
    const [call1] = openTasks(id);
    t.emulator.updateTask(call1?.id ?? '', { hs_task_subject: 'ring Jane back' });
    const summary = await expectOk(await t.deliver([created(id)]));
    expect(summary.created).toBe(0);
    expect(openTasks(id)).toHaveLength(2);
  });

  it('ignores contact properties the cadence does not read, without calling HubSpot', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const summary = await expectOk(
      await t.deliver([
        contactChange('51', 'favorite_color', 'blue'),
        hubspotEvent({ subscriptionType: 'contact.deletion', objectId: 51 }),
        hubspotEvent({ subscriptionType: 'deal.creation', objectId: 9 }),
      ]),
    );
    expect(summary).toMatchObject({ events: 3, leads: 0, ignored: 3 });
    expect(t.emulator.requests).toEqual([]);
  });
});

describe('HubSpot webhook: when HubSpot fails', () => {
  it('answers 429 with Retry-After when rate-limited, and the redelivery creates each task once', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    t.emulator.failNext({ kind: 'rate_limit' }, { path: '/batch/create' });
    const first = await t.deliver([created(id)]);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('10');
    expect((await errorOf(first)).code).toBe('crm_rate_limited');
    expect(openTasks(id)).toEqual([]);

    await expectOk(await t.deliver([created(id)]));
    expect(openTasks(id)).toHaveLength(2);
  });

  it('retries a 502 inside the request and answers 200', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    t.emulator.failNext({ kind: 'status', status: 502 }, { path: '/batch/create' });
    await expectOk(await t.deliver([created(id)]));
    expect(openTasks(id)).toHaveLength(2);
    expect(
      t.emulator.requests.filter((r) => r.path.endsWith('/batch/create')).map((r) => r.status),
    ).toEqual([502, 201]);
  });

  it('answers 503 with Retry-After when HubSpot keeps failing', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    t.emulator.failNext({ kind: 'status', status: 503 }, { times: 50 });
    const response = await t.deliver([created(id)]);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBeTruthy();
    expect((await errorOf(response)).code).toBe('crm_unavailable');
  });

  it('answers 502 with HubSpot’s own message when HubSpot refuses the token', async () => {
    t = await startHubSpotApp(TUESDAY_10AM, { HUBSPOT_ACCESS_TOKEN: 'pat-revoked' });
    const response = await t.deliver([created('1')]);
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe('crm_auth_failed');
    expect(error.message).toContain('Authentication credentials not found');
  });
});

describe('HubSpot webhook: signatures and bad input', () => {
  it('refuses a request without a signature with 401 and calls nothing', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const response = await t.deliver([created('1')], { unsigned: true });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('missing_signature');
    expect(t.emulator.requests).toEqual([]);
  });

  it('refuses a signature made with another secret, or over another body', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const body = JSON.stringify([created('1')]);
    const timestamp = t.now();
    const uri = `${PUBLIC_URL}/webhooks/hubspot`;
    for (const signature of [
      signV3(uri, body, timestamp, 'another-secret'),
      signV3(uri, body.replace('"objectId":1', '"objectId":2'), timestamp),
      signV3('https://elsewhere.example.com/webhooks/hubspot', body, timestamp),
      'not-base64!',
    ]) {
      const response = await t.deliver(null, {
        unsigned: true,
        body,
        headers: {
          'x-hubspot-signature-v3': signature,
          'x-hubspot-request-timestamp': String(timestamp),
        },
      });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('invalid_signature');
    }
    expect(t.emulator.requests).toEqual([]);
  });

  it('refuses a timestamp more than 5 minutes old, or too far ahead', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    for (const timestamp of [t.now() - 5 * MINUTE - 1000, t.now() + 2 * MINUTE]) {
      const response = await t.deliver([created('1')], { timestamp });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('stale_signature');
    }
    expect(t.emulator.requests).toEqual([]);
  });

  it('refuses v1/v2 signatures, which can be replayed, unless HUBSPOT_LEGACY_SIGNATURES is on', async () => {
    const { createHash } = await import('node:crypto');
    const v1Signed = (body: string) => ({
      'x-hubspot-signature': createHash('sha256')
        .update(CLIENT_SECRET + body)
        .digest('hex'),
      'x-hubspot-signature-version': 'v1',
    });
    const logs = captureLogs('info');
    t = await startHubSpotApp(TUESDAY_10AM, {}, { logger: logs.logger });
    expect(logs.take().join('\n')).not.toContain('HUBSPOT_LEGACY_SIGNATURES is on');
    const id = newContact();
    const body = JSON.stringify([created(id)]);
    // A valid v1 signature, captured a day ago or just now: refused, nothing read or written.
    const refused = await t.deliver(null, { unsigned: true, body, headers: v1Signed(body) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'legacy_signature_refused' } });
    expect(t.emulator.requests).toEqual([]);
    await t.close();

    // Opted in: accepted, and the risk is logged when the service starts.
    t = await startHubSpotApp(
      TUESDAY_10AM,
      { HUBSPOT_LEGACY_SIGNATURES: 'true' },
      { logger: logs.logger },
    );
    const warned = logs.take().map((line) => JSON.parse(line));
    expect(warned).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('replayed') }),
    );
    const id2 = newContact();
    const body2 = JSON.stringify([created(id2)]);
    const response = await t.deliver(null, {
      unsigned: true,
      body: body2,
      headers: v1Signed(body2),
    });
    expect((await expectOk(response)).created).toBe(2);
  });

  it('answers 415 to a signed delivery that is not application/json, and writes nothing', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const id = newContact();
    for (const type of [
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'text/plain; a=application/json',
      'application/jsonx',
    ]) {
      const response = await t.deliver([created(id)], { headers: { 'content-type': type } });
      expect(response.status, type).toBe(415);
      expect((await errorOf(response)).code, type).toBe('unsupported_media_type');
    }
    expect(t.emulator.requests).toEqual([]);
    const json = { 'content-type': 'Application/JSON; charset=utf-8' };
    expect((await expectOk(await t.deliver([created(id)], { headers: json }))).created).toBe(2);
  });

  it('answers 400 for a signed body that is not JSON or not a list of events, and writes nothing', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const cases: [string | Buffer, string][] = [
      ['{"objectId":', 'invalid_json'],
      ['{"objectId":1}', 'validation_failed'],
      ['[{"subscriptionType":"contact.creation"}]', 'validation_failed'],
      ['[{"subscriptionType":"contact.creation","objectId":"12; drop"}]', 'validation_failed'],
      [Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), 'invalid_encoding'],
    ];
    for (const [body, code] of cases) {
      const response = await t.deliver(null, { body });
      expect(response.status, String(body)).toBe(400);
      expect((await errorOf(response)).code).toBe(code);
    }
    expect(t.emulator.requests).toEqual([]);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    t = await startHubSpotApp(TUESDAY_10AM);
    const response = await t.deliver(null, { body: `[${'1,'.repeat(600_000)}1]` });
    expect(response.status).toBe(413);
    expect(t.emulator.requests).toEqual([]);
  });
});
