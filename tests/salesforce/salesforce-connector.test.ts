import { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outcomeOfCall } from '../../connectors/salesforce/salesforce.mapping.ts';
import { sameRecord, to18 } from '../../connectors/salesforce/salesforce-id.ts';
import { loadConfig } from '../../src/config/config.ts';
import { parseOutboundMessage } from '../../src/webhooks/salesforce-outbound.ts';
import {
  type SalesforceEmulator,
  startSalesforceEmulator,
} from '../emulators/salesforce-emulator.ts';
import { outboundMessage } from '../support/salesforce-app.ts';

describe('Salesforce ids', () => {
  it('computes the 18-character form of a 15-character id', () => {
    expect(to18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(to18('001A0000006Vm9rIAC')).toBe('001A0000006Vm9rIAC');
  });

  it('compares 15-character ids case-sensitively and 18-character ids case-insensitively', () => {
    expect(sameRecord('00D5g000004SxyZ', to18('00D5g000004SxyZ'))).toBe(true);
    expect(sameRecord('00D5g000004sxyz', to18('00D5g000004SxyZ'))).toBe(false);
    expect(sameRecord(to18('00D5g000004SxyZ').toLowerCase(), to18('00D5g000004SxyZ'))).toBe(true);
  });
});

describe('Salesforce call results', () => {
  it('reads the usual CallDisposition texts', () => {
    expect(outcomeOfCall('Connected')).toBe('connected');
    expect(outcomeOfCall('Spoke with decision maker')).toBe('connected');
    expect(outcomeOfCall('Wrong number')).toBe('wrong_number');
    expect(outcomeOfCall('Left voicemail')).toBe('voicemail');
    expect(outcomeOfCall('Busy')).toBe('busy');
    expect(outcomeOfCall('No answer')).toBe('no_answer');
    expect(outcomeOfCall(null)).toBe('no_answer');
  });
});

describe('Salesforce configuration', () => {
  const base = { CRM: 'salesforce', SALESFORCE_ORG_ID: '00D5g000004SxyZ' };

  it('needs the org id and one complete way to authenticate', () => {
    const missing = loadConfig({ CRM: 'salesforce' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.message).toContain('SALESFORCE_ORG_ID: required when CRM=salesforce');
      expect(missing.message).toContain('SALESFORCE_INSTANCE_URL, SALESFORCE_ACCESS_TOKEN');
    }
    const half = loadConfig({ ...base, SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com' });
    expect(half.ok ? '' : half.message).toContain('SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET');
  });

  it('takes a ready session, with a current API version and the default open statuses', () => {
    const result = loadConfig({
      ...base,
      SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com/',
      SALESFORCE_ACCESS_TOKEN: '00D!token',
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.config.salesforce).toEqual({
      auth: {
        kind: 'token',
        instanceUrl: 'https://acme.my.salesforce.com',
        accessToken: '00D!token',
      },
      apiVersion: '65.0',
      orgId: '00D5g000004SxyZ',
      openLeadStatuses: ['Open - Not Contacted', 'Working - Contacted'],
      contactedLeadStatuses: ['Working - Contacted'],
    });
  });

  it('refuses malformed ids, versions and a short webhook token', () => {
    const result = loadConfig({
      ...base,
      SALESFORCE_ORG_ID: '001A0000006Vm9r',
      SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com',
      SALESFORCE_ACCESS_TOKEN: 'x',
      SALESFORCE_API_VERSION: 'v65',
      SALESFORCE_DEFAULT_OWNER_ID: '00G5g00000Queue',
      SALESFORCE_WEBHOOK_TOKEN: 'short',
    });
    const message = result.ok ? '' : result.message;
    for (const name of [
      'SALESFORCE_ORG_ID',
      'SALESFORCE_API_VERSION',
      'SALESFORCE_DEFAULT_OWNER_ID',
      'SALESFORCE_WEBHOOK_TOKEN',
    ]) {
      expect(message).toContain(`- ${name}:`);
    }
  });
});

describe('outbound message parsing', () => {
  it('reads the org, the notifications and their sObject fields', () => {
    const xml = outboundMessage('00D5g000004SxyZAAA', [
      { type: 'Lead', fields: { Id: '00Q5g00000AbcDeAAA', Status: 'Open - Not Contacted' } },
      { type: 'Task', fields: { Id: '00T5g00000AbcDeAAA', WhoId: '00Q5g00000AbcDeAAA' } },
    ]);
    const parsed = parseOutboundMessage(xml);
    expect(parsed).toMatchObject({
      ok: true,
      message: {
        organizationId: '00D5g000004SxyZAAA',
        notifications: [
          {
            objectType: 'Lead',
            fields: { Id: '00Q5g00000AbcDeAAA', Status: 'Open - Not Contacted' },
          },
          { objectType: 'Task', fields: { Id: '00T5g00000AbcDeAAA', WhoId: '00Q5g00000AbcDeAAA' } },
        ],
      },
    });
  });

  it('refuses notifications outside the outbound namespace and more than 100 of them', () => {
    const xml = outboundMessage('00D5g000004SxyZAAA', [
      { type: 'Lead', fields: { Id: '00Q5g00000AbcDeAAA' } },
    ]);
    expect(
      parseOutboundMessage(xml.replace('http://soap.sforce.com/2005/09/outbound', 'urn:other')),
    ).toMatchObject({
      ok: false,
      code: 'invalid_outbound_message',
    });
    const many = outboundMessage(
      '00D5g000004SxyZAAA',
      Array.from({ length: 101 }, () => ({
        type: 'Lead' as const,
        fields: { Id: '00Q5g00000AbcDeAAA' },
      })),
    );
    expect(parseOutboundMessage(many)).toMatchObject({
      ok: false,
      code: 'invalid_outbound_message',
    });
  });

  it('refuses deep nesting without crashing', () => {
    const deep = `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`;
    expect(parseOutboundMessage(deep).ok).toBe(false);
  });
});

describe('the Salesforce emulator answers like Salesforce', () => {
  let emulator: SalesforceEmulator;
  let conn: Connection;
  beforeEach(async () => {
    emulator = await startSalesforceEmulator();
    conn = new Connection({
      instanceUrl: emulator.url,
      accessToken: emulator.accessToken,
      version: '65.0',
    });
  });
  afterEach(async () => {
    await emulator.close();
  });

  async function failure(promise: PromiseLike<unknown>) {
    const error = (await Promise.resolve(promise).then(
      () => undefined,
      (e: unknown) => e,
    )) as { errorCode?: string; message?: string } | undefined;
    if (!error) throw new Error('expected Salesforce to refuse the request');
    return error;
  }

  it('refuses an unknown field in SOQL and in a record with INVALID_FIELD', async () => {
    const soql = await failure(conn.query('SELECT Id, Followup_Key__c FROM Task'));
    expect(soql.errorCode).toBe('INVALID_FIELD');
    expect(soql.message).toContain("No such column 'Followup_Key__c' on entity 'Task'");
    const write = await failure(
      conn.sobject('Task').create([{ Subject: 'x', Followup_Key__c: 'k' }]),
    );
    expect(write.errorCode).toBe('INVALID_FIELD');
  });

  it('reports per-record errors: missing required fields, restricted picklists, allOrNone rollback', async () => {
    const results = (await conn.sobject('Lead').create([{ LastName: 'Doe' }])) as unknown as {
      success: boolean;
      errors: { statusCode: string }[];
    }[];
    expect(results[0]?.errors[0]?.statusCode).toBe('REQUIRED_FIELD_MISSING');
    const tasks = (await conn
      .sobject('Task')
      .create([{ Subject: 'ok' }, { Subject: 'bad', Priority: 'Urgent' }], {
        allOrNone: true,
      })) as unknown as { success: boolean; errors: { statusCode: string }[] }[];
    expect(tasks.map((r) => r.errors[0]?.statusCode)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    ]);
    expect((await conn.query('SELECT Id FROM Task')).totalSize).toBe(0);
  });

  it('refuses to update TaskSubtype, which is create-only', async () => {
    const [created] = (await conn
      .sobject('Task')
      .create([{ Subject: 'x', TaskSubtype: 'Call' }])) as unknown as {
      id: string;
    }[];
    const [updated] = (await conn
      .sobject('Task')
      .update([{ Id: created?.id ?? '', TaskSubtype: 'Email' }])) as unknown as {
      errors: { statusCode: string }[];
    }[];
    expect(updated?.errors[0]?.statusCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('answers INVALID_SESSION_ID 401 and REQUEST_LIMIT_EXCEEDED 403 in Salesforce’s shape', async () => {
    emulator.expireSession();
    expect((await failure(conn.query('SELECT Id FROM Lead'))).errorCode).toBe('INVALID_SESSION_ID');
    conn = new Connection({
      instanceUrl: emulator.url,
      accessToken: emulator.accessToken,
      version: '65.0',
    });
    emulator.failNext({ kind: 'request_limit' });
    const limited = await failure(conn.query('SELECT Id FROM Lead'));
    expect(limited).toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'ConcurrentPerOrgLongTxn Limit exceeded.',
    });
    emulator.failNext({ kind: 'request_limit', daily: true });
    expect(await failure(conn.query('SELECT Id FROM Lead'))).toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'TotalRequests Limit exceeded.',
    });
  });

  it('reports the org’s daily API usage on every answer, and refuses every call once it is spent', async () => {
    await conn.query('SELECT Id FROM Lead');
    const used = emulator.traffic.dailyUsed;
    expect(conn.limitInfo.apiUsage).toEqual({ used, limit: emulator.traffic.dailyLimit });
    emulator.traffic.dailyUsed = emulator.traffic.dailyLimit;
    expect(await failure(conn.query('SELECT Id FROM Lead'))).toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'TotalRequests Limit exceeded.',
    });
  });
});
