import { afterEach, describe, expect, it } from 'vitest';
import { to18 } from '../../connectors/salesforce/salesforce-id.ts';
import type { SalesforceRecord } from '../emulators/salesforce-emulator.ts';
import {
  outboundMessage,
  type SalesforceTestApp,
  startSalesforceApp,
} from '../support/salesforce-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const MINUTE = 60_000;
const REP = to18('0055g00000RepOn');
const ACK = '<Ack>true</Ack>';

let t: SalesforceTestApp;
afterEach(async () => {
  await t?.close();
});

function newLead(extra: Record<string, string | boolean> = {}): string {
  return t.emulator.createLead({
    FirstName: 'Jane',
    LastName: 'Doe',
    Company: 'Acme',
    Phone: '+1 212 555 0100',
    OwnerId: REP,
    ...extra,
  });
}

const leadMessage = (...ids: string[]) =>
  outboundMessage(
    t.emulator.orgId,
    ids.map((Id) => ({ type: 'Lead' as const, fields: { Id } })),
  );

function openTasks(leadId: string): SalesforceRecord[] {
  return t.emulator.tasksOf(leadId).filter((task) => task.IsClosed !== true);
}

async function expectAck(response: Response) {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/xml');
  expect(text).toContain(ACK);
  expect(text).toContain('<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">');
}

describe('Salesforce outbound message: a new lead', () => {
  it('is acknowledged once call 1 and email 1 are written as Tasks with the right fields', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    await expectAck(await t.outbound(leadMessage(id)));
    const [call, email] = openTasks(id);
    expect(call).toMatchObject({
      Subject: 'Call 1 of 6 — Jane Doe (Acme)',
      WhoId: id,
      OwnerId: REP,
      ActivityDate: '2026-11-24',
      ReminderDateTime: TUESDAY_10AM,
      IsReminderSet: true,
      Priority: 'High',
      Status: 'Not Started',
      TaskSubtype: 'Call',
    });
    expect(call?.Description).toContain(`Lead follow-up: call step ${id}:research-default:1`);
    expect(email).toMatchObject({
      Subject: 'Email 1 of 5 — Jane Doe (Acme)',
      Priority: 'Normal',
      TaskSubtype: 'Email',
    });
  });

  it('applies the calling rules of the lead’s State field (Florida ends at 20:00)', async () => {
    // Monday 20:30 in New York: the federal rule allows a call until 21:00, Florida until 20:00.
    t = await startSalesforceApp('2026-11-24T01:30:00.000Z', {
      TIMEZONE: 'America/New_York',
      BUSINESS_HOURS: 'Mon-Fri 07:00-22:00',
      LEAD_CONTACT_HOURS: '07:00-22:00',
    });
    const florida = newLead({ State: 'Florida' });
    const newYork = newLead();
    await expectAck(await t.outbound(leadMessage(florida, newYork)));
    const callAt = (id: string) =>
      openTasks(id).find((task) => task.TaskSubtype === 'Call')?.ReminderDateTime;
    expect(callAt(newYork)).toBe('2026-11-24T01:30:00.000Z');
    // Tuesday 08:00 in New York: no rule allows a call before 08:00, whatever the contact hours.
    expect(callAt(florida)).toBe('2026-11-24T13:00:00.000Z');
  });

  it('creates no twin when the same message arrives twice', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    const message = leadMessage(id);
    await expectAck(await t.outbound(message));
    await expectAck(await t.outbound(message));
    expect(openTasks(id)).toHaveLength(2);
  });

  it('costs a handful of API calls for a 100-notification message', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const ids = Array.from({ length: 100 }, (_, i) => newLead({ LastName: `Lead${i}` }));
    await expectAck(await t.outbound(leadMessage(...ids)));
    // One lead query with its tasks as a subquery, one collection create of 200 tasks, one
    // task query to find twins from another replica.
    expect(t.emulator.requests).toHaveLength(3);
    expect(t.emulator.requests[0]?.soql).toMatch(/^SELECT .*, \(SELECT .* FROM Tasks\) FROM Lead /);
    for (const id of ids) expect(openTasks(id)).toHaveLength(2);
  });

  it('gives the tasks of a queue-owned lead to SALESFORCE_DEFAULT_OWNER_ID', async () => {
    const fallback = to18('0055g00000Fallb');
    t = await startSalesforceApp(TUESDAY_10AM, { SALESFORCE_DEFAULT_OWNER_ID: fallback });
    const id = newLead({ OwnerId: to18('00G5g00000Queue') });
    await expectAck(await t.outbound(leadMessage(id)));
    expect(openTasks(id).map((task) => task.OwnerId)).toEqual([fallback, fallback]);
  });

  it('accepts the 15-character form of the org id in configuration', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    await t.close();
    t = await startSalesforceApp(TUESDAY_10AM, { SALESFORCE_ORG_ID: '00D5g000004SxyZ' });
    const lead = newLead();
    await expectAck(await t.outbound(leadMessage(lead)));
    expect(id).toHaveLength(18);
  });
});

describe('Salesforce: the cadence follows what the rep does', () => {
  it('opens call 2 30-60 minutes after call 1 is completed (Task notification)', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    await expectAck(await t.outbound(leadMessage(id)));
    const [call1] = openTasks(id);
    t.advance(5);
    t.emulator.updateTask(call1?.Id ?? '', { Status: 'Completed', CallDisposition: 'No answer' });
    await expectAck(
      await t.outbound(
        outboundMessage(t.emulator.orgId, [
          { type: 'Task', fields: { Id: call1?.Id ?? '', WhoId: id } },
        ]),
      ),
    );
    const call2 = openTasks(id).find((task) => task.TaskSubtype === 'Call');
    expect(call2?.Subject).toBe('Call 2 of 6 — Jane Doe (Acme)');
    expect(Date.parse(String(call2?.ReminderDateTime))).toBe(t.now() + 30 * MINUTE);
  });

  it('finds the lead of a Task notification that carries only the task id', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    await expectAck(await t.outbound(leadMessage(id)));
    const [call1] = openTasks(id);
    t.emulator.updateTask(call1?.Id ?? '', { Status: 'Completed' });
    await expectAck(
      await t.outbound(
        outboundMessage(t.emulator.orgId, [{ type: 'Task', fields: { Id: call1?.Id ?? '' } }]),
      ),
    );
    expect(openTasks(id).map((task) => task.Subject)).toContain('Call 2 of 6 — Jane Doe (Acme)');
  });

  it('stops when the rep logs a connected call on the task', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    await expectAck(await t.outbound(leadMessage(id)));
    const [call1] = openTasks(id);
    t.emulator.updateTask(call1?.Id ?? '', { Status: 'Completed', CallDisposition: 'Connected' });
    await expectAck(await t.outbound(leadMessage(id)));
    expect(openTasks(id)).toEqual([]);
  });

  it('deletes the open tasks of a converted lead and creates none', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    await expectAck(await t.outbound(leadMessage(id)));
    t.emulator.convertLead(id);
    await expectAck(await t.outbound(leadMessage(id)));
    expect(t.emulator.tasksOf(id)).toEqual([]);
  });

  it('ends the cadence when the status leaves the open statuses', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    await expectAck(await t.outbound(leadMessage(id)));
    t.emulator.updateLead(id, { Status: 'Closed - Not Converted' });
    await expectAck(await t.outbound(leadMessage(id)));
    expect(t.emulator.tasksOf(id)).toEqual([]);
  });

  it('moves open tasks to the new owner when the lead changes hands', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    await expectAck(await t.outbound(leadMessage(id)));
    const next = to18('0055g00000NewRp');
    t.emulator.updateLead(id, { OwnerId: next });
    await expectAck(await t.outbound(leadMessage(id)));
    expect(openTasks(id).map((task) => task.OwnerId)).toEqual([next, next]);
  });

  it('skips calls for DoNotCall and emails for HasOptedOutOfEmail', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const noCalls = newLead({ DoNotCall: true });
    const noEmails = newLead({ HasOptedOutOfEmail: true });
    await expectAck(await t.outbound(leadMessage(noCalls, noEmails)));
    expect(openTasks(noCalls).map((task) => task.TaskSubtype)).toEqual(['Email']);
    expect(openTasks(noEmails).map((task) => task.TaskSubtype)).toEqual(['Call']);
  });
});

describe('Salesforce: when the API fails', () => {
  it('answers a SOAP fault with 503 so Salesforce retries, and the retry writes each task once', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    t.emulator.failNext({ kind: 'status', status: 503 }, { times: 50 });
    const failed = await t.outbound(leadMessage(id));
    expect(failed.status).toBe(503);
    const fault = await failed.text();
    expect(fault).toContain('<faultcode>soapenv:Server</faultcode>');
    expect(fault).not.toContain(ACK);
    expect(failed.headers.get('retry-after')).toBeTruthy();
    t.emulator.clearFaults();
    await expectAck(await t.outbound(leadMessage(id)));
    await expectAck(await t.outbound(leadMessage(id)));
    expect(openTasks(id)).toHaveLength(2);
  });

  it('retries a 5xx on a read inside the request and acknowledges', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    t.emulator.failNext({ kind: 'status', status: 500 }, { path: '/query' });
    await expectAck(await t.outbound(leadMessage(id)));
    expect(openTasks(id)).toHaveLength(2);
  });

  it('gives up with crm_auth_failed when Salesforce refuses every fresh token', async () => {
    t = await startSalesforceApp(TUESDAY_10AM, {}, 'client_credentials');
    const id = newLead();
    // Every request answers INVALID_SESSION_ID, as when the app's Run As user is deactivated.
    const refuse = setInterval(() => t.emulator.expireSession(), 1);
    try {
      const response = await t.outbound(leadMessage(id));
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('crm_auth_failed');
    } finally {
      clearInterval(refuse);
    }
  });

  it('answers a retryable SOAP fault on REQUEST_LIMIT_EXCEEDED, and the retry writes the tasks', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    t.emulator.failNext({ kind: 'request_limit' });
    const failed = await t.outbound(leadMessage(id));
    expect(failed.status).toBe(503);
    expect(await failed.text()).toContain('crm_rate_limited');
    await expectAck(await t.outbound(leadMessage(id)));
    expect(openTasks(id)).toHaveLength(2);
  });

  it('fetches a token with the client-credentials flow and renews it on INVALID_SESSION_ID', async () => {
    t = await startSalesforceApp(TUESDAY_10AM, {}, 'client_credentials');
    const first = newLead();
    await expectAck(await t.outbound(leadMessage(first)));
    t.emulator.expireSession();
    const second = newLead();
    await expectAck(await t.outbound(leadMessage(second)));
    expect(openTasks(second)).toHaveLength(2);
    // One at start-up, one after the session expired.
    const tokens = [...t.startup, ...t.emulator.requests].filter(
      (r) => r.path === '/services/oauth2/token',
    );
    expect(tokens).toHaveLength(2);
  });
});

describe('Salesforce: refused input', () => {
  it('refuses a message from another org with 403 and reads nothing', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const response = await t.outbound(
      outboundMessage(to18('00D5g000009OthR'), [{ type: 'Lead', fields: { Id: newLead() } }]),
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('wrong_organization');
    expect(t.emulator.requests).toEqual([]);
  });

  it('compares the org id case-sensitively in its 15-character form', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    const lower = t.emulator.orgId.slice(0, 15).toLowerCase();
    const response = await t.outbound(
      outboundMessage(lower, [{ type: 'Lead', fields: { Id: id } }]),
    );
    expect(response.status).toBe(403);
    const upper = t.emulator.orgId.toUpperCase();
    await expectAck(
      await t.outbound(outboundMessage(upper, [{ type: 'Lead', fields: { Id: id } }])),
    );
  });

  it('answers 400 for malformed XML, a DTD or an entity-expansion bomb, and writes nothing', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&lol2;</soapenv:Body></soapenv:Envelope>`;
    const external = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`;
    const cases: [string, string][] = [
      ['<soapenv:Envelope><unclosed>', 'invalid_xml'],
      [bomb, 'xml_doctype_forbidden'],
      [external, 'xml_doctype_forbidden'],
      ['<?xml version="1.0"?><a/>', 'invalid_outbound_message'],
      [
        leadMessage('00Q5g0000')
          .replace('<Notification>', '<Notification><Id>x</Id>')
          .replace(/<Notification>.*<\/Notification>/s, ''),
        'invalid_outbound_message',
      ],
    ];
    for (const [xml, code] of cases) {
      const response = await t.outbound(xml);
      expect(response.status, xml.slice(0, 60)).toBe(400);
      const text = await response.text();
      expect(text).toContain('<faultcode>soapenv:Client</faultcode>');
      expect(text).toContain(code);
    }
    expect(t.emulator.requests).toEqual([]);
  });
});

describe('Salesforce Flow / Apex callouts', () => {
  it('re-decides the leads named in a JSON callout with the right bearer token', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    const response = await t.callout({ leadIds: [id.slice(0, 15)] });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ leads: 1, created: 2 });
    expect(openTasks(id)).toHaveLength(2);
  });

  it('refuses a wrong or missing token with 401 and writes nothing', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    for (const token of ['wrong-token', '']) {
      const response = await t.callout({ leadIds: [id] }, token);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_token',
      );
    }
    expect(t.emulator.requests).toEqual([]);
  });

  it('answers 400 for a callout body that is not the documented shape', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    for (const [body, code] of [
      ['{"leadIds":', 'invalid_json'],
      ['{"leadIds":["not-an-id"]}', 'validation_failed'],
      ['{}', 'validation_failed'],
      ['{"leadIds":[],"extra":1}', 'validation_failed'],
    ] as const) {
      const response = await t.callout(body);
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(t.emulator.requests).toEqual([]);
  });
});
