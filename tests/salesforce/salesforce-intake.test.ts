import { afterEach, describe, expect, it } from 'vitest';
import { to18 } from '../../connectors/salesforce/salesforce-id.ts';
import type { LoadMonitor } from '../../src/http/load-monitor.ts';
import { captureLogs } from '../support/captured-logs.ts';
import {
  OUTBOUND_TOKEN,
  outboundMessage,
  type SalesforceTestApp,
  startSalesforceApp,
  WEBHOOK_TOKEN,
} from '../support/salesforce-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const MIB = 1024 * 1024;

let t: SalesforceTestApp;
afterEach(async () => {
  await t?.close();
});

function newLead(): string {
  return t.emulator.createLead({
    LastName: 'Doe',
    Company: 'Acme',
    OwnerId: to18('0055g00000RepOn'),
  });
}

const messageFor = (id: string, org = t.emulator.orgId) =>
  outboundMessage(org, [{ type: 'Lead', fields: { Id: id } }]);

/** The SOAP fault's status and code. */
async function faultOf(response: Response) {
  const text = await response.text();
  expect(response.headers.get('content-type'), text).toContain('text/xml');
  return { status: response.status, code: /<faultstring>(\w+):/.exec(text)?.[1] };
}

function post(path: string, body: string, headers: Record<string, string>) {
  return fetch(`${t.serviceUrl}${path}`, { method: 'POST', headers, body });
}

describe('Salesforce outbound messages authenticate by the token in their endpoint URL', () => {
  it('answers 401 to a message with the right org id but no token, and calls the CRM not once', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    const before = t.emulator.requests.length;
    for (const token of [
      null,
      '',
      'wrong-token-of-the-right-length-x',
      OUTBOUND_TOKEN.toUpperCase(),
    ]) {
      expect(await faultOf(await t.outbound(messageFor(id), token)), String(token)).toEqual({
        status: 401,
        code: 'invalid_token',
      });
    }
    // A repeated parameter is no way around it either.
    const twice = `?token=x&token=${OUTBOUND_TOKEN}`;
    const xml = { 'content-type': 'text/xml; charset=utf-8' };
    expect((await post(`/webhooks/salesforce${twice}`, messageFor(id), xml)).status).toBe(401);
    expect(t.emulator.requests.slice(before)).toEqual([]);
    expect(t.emulator.tasksOf(id)).toEqual([]);
    // The same message with the token is acknowledged.
    expect((await t.outbound(messageFor(id))).status).toBe(200);
  });

  it('refuses outbound messages when no SALESFORCE_OUTBOUND_TOKEN is set, and says so at start', async () => {
    const logs = captureLogs('info');
    t = await startSalesforceApp(TUESDAY_10AM, { SALESFORCE_OUTBOUND_TOKEN: '' }, 'token', {
      logger: logs.logger,
    });
    expect(logs.take().join('\n')).toContain('SALESFORCE_OUTBOUND_TOKEN is unset');
    const id = newLead();
    expect((await faultOf(await t.outbound(messageFor(id)))).status).toBe(401);
    expect(t.emulator.tasksOf(id)).toEqual([]);
  });

  it('never logs the token: the logged URL carries [redacted] instead', async () => {
    const logs = captureLogs('info');
    t = await startSalesforceApp(TUESDAY_10AM, {}, 'token', { logger: logs.logger });
    const id = newLead();
    await t.outbound(messageFor(id));
    await t.outbound(messageFor(id), `${OUTBOUND_TOKEN}x`);
    const lines = logs.take().join('\n');
    expect(lines).toContain('/webhooks/salesforce?token=[redacted]');
    expect(lines).not.toContain(OUTBOUND_TOKEN);
  });

  it('chooses the path by the exact media type: a JSON type mentioning text/xml needs the bearer', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    const before = t.emulator.requests.length;
    for (const type of ['application/json; a=text/xml', 'application/json; charset="text/xml"']) {
      const response = await post('/webhooks/salesforce', messageFor(id), { 'content-type': type });
      expect(response.status, type).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_token' } });
    }
    for (const type of ['text/xmlx', 'x-text/xml', 'text/plain; a=text/xml']) {
      const response = await post(`/webhooks/salesforce?token=${OUTBOUND_TOKEN}`, messageFor(id), {
        'content-type': type,
      });
      expect(response.status, type).toBe(415);
    }
    expect(t.emulator.requests.slice(before)).toEqual([]);
    // Media types are case-insensitive, parameters aside.
    const upper = { 'content-type': 'TEXT/XML; Charset=UTF-8' };
    expect(
      (await post(`/webhooks/salesforce?token=${OUTBOUND_TOKEN}`, messageFor(id), upper)).status,
    ).toBe(200);
  });

  it('takes the bearer scheme in any case, as RFC 9110 says', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    for (const scheme of ['bearer', 'BEARER', 'Bearer ']) {
      const response = await post('/webhooks/salesforce', JSON.stringify({ leadIds: [id] }), {
        'content-type': 'application/json',
        authorization: `${scheme} ${WEBHOOK_TOKEN}`,
      });
      expect(response.status, scheme).toBe(200);
    }
  });
});

describe('Salesforce intake order: authenticate, shed, then parse', () => {
  it('refuses a 1 MiB envelope of a wrong org without its token before parsing it (401, not 403)', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const filler = `<sf:Description>${'x'.repeat(MIB - 4096)}</sf:Description>`;
    const big = outboundMessage('00D000000000001AAA', [
      { type: 'Lead', fields: { Id: '00Q5g0000000001AAA', Description: filler } },
    ]);
    expect(big.length).toBeGreaterThan(MIB - 4096);
    expect(big.length).toBeLessThan(MIB);
    const refused = await t.outbound(big, null);
    // Refused unread: the connection is closed rather than kept alive by reading the rest.
    expect(refused.headers.get('connection')).toBe('close');
    expect(await faultOf(refused)).toEqual({ status: 401, code: 'invalid_token' });
    expect(await faultOf(await t.outbound(big))).toEqual({
      status: 403,
      code: 'wrong_organization',
    });
  });

  it('sheds with 429 before parsing while overloaded, and still refuses strangers with 401', async () => {
    let busy = true;
    const load: LoadMonitor = { delayMs: () => 750, overloaded: () => busy, close() {} };
    t = await startSalesforceApp(TUESDAY_10AM, {}, 'token', { load });
    expect(await faultOf(await t.outbound('<not-xml', null))).toEqual({
      status: 401,
      code: 'invalid_token',
    });
    expect(await faultOf(await t.outbound('<not-xml'))).toEqual({
      status: 429,
      code: 'overloaded',
    });
    busy = false;
    expect(await faultOf(await t.outbound('<not-xml'))).toEqual({
      status: 400,
      code: 'invalid_xml',
    });
  });
});

describe('Salesforce outbound messages: characters XML forbids', () => {
  it('refuses &#0; and other control characters in OrganizationId or any field with 400', async () => {
    t = await startSalesforceApp(TUESDAY_10AM);
    const id = newLead();
    const org = t.emulator.orgId;
    const bodies = [
      messageFor(id, `${org}&#0;`),
      messageFor(id, `&#x0;${org}`),
      messageFor(id, `${org}\u0001`),
      outboundMessage(org, [{ type: 'Lead', fields: { Id: id, LastName: 'Doe&#27;[2J' } }]),
      outboundMessage(org, [{ type: 'Lead', fields: { Id: id, LastName: '&#1114112;' } }]),
    ];
    for (const body of bodies) {
      expect(await faultOf(await t.outbound(body)), body.slice(0, 80)).toEqual({
        status: 400,
        code: 'invalid_xml',
      });
    }
    expect(t.emulator.tasksOf(id)).toEqual([]);
    // Characters XML allows, referenced or raw, are fine.
    const fine = outboundMessage(org, [
      { type: 'Lead', fields: { Id: id, LastName: 'D&#246;e\tü' } },
    ]);
    expect((await t.outbound(fine)).status).toBe(200);
  });
});
