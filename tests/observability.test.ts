import { describe, expect, it } from 'vitest';
import { scrub } from '../src/http/logger.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { captureLogs } from './support/captured-logs.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import {
  contactCreated,
  type HubSpotTestApp,
  hubspotEvent,
  startHubSpotApp,
} from './support/hubspot-app.ts';
import { outboundMessage, startSalesforceApp } from './support/salesforce-app.ts';
import { buildTestApp } from './support/test-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
// The lead was created 45 s before its delivery is handled.
const CREATED_45S_BEFORE = '2026-11-24T14:59:15.000Z';
const METRICS_TOKEN = 'metrics-token-0123456789';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Prometheus text format, one sample per line. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key ?? ''] = value ?? '';
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
function sampleSum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(serviceUrl: string, token?: string): Promise<Sample[]> {
  const response = await fetch(`${serviceUrl}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

const track = closedAfterEach();

function newContact(hubspot: HubSpotTestApp): string {
  return hubspot.emulator.createContact(
    { firstname: 'Jane', lastname: 'Doe', phone: '+1 212 555 0100', hubspot_owner_id: '101' },
    CREATED_45S_BEFORE,
  );
}

const created = contactCreated;

describe('GET /metrics', () => {
  it('counts a HubSpot delivery, its events, decisions, tasks, CRM requests and speed to lead', async () => {
    const hubspot = track(await startHubSpotApp(TUESDAY_10AM));
    const ids = [newContact(hubspot), newContact(hubspot), newContact(hubspot)];
    const ignored = hubspotEvent({ subscriptionType: 'company.creation', objectId: 9 });
    const response = await hubspot.deliver([...ids.map(created), ignored]);
    expect(response.status).toBe(200);

    const samples = await scrape(hubspot.serviceUrl);
    const count = (name: string, labels: Record<string, string> = {}) =>
      sampleSum(samples, `lead_followup_${name}`, labels);
    expect(count('webhook_deliveries_total', { source: 'hubspot', result: 'ok' })).toBe(1);
    expect(count('webhook_delivery_duration_seconds_count', { source: 'hubspot' })).toBe(1);
    const events = { source: 'hubspot', type: 'contact.creation', result: 'processed' };
    expect(count('webhook_events_total', events)).toBe(3);
    expect(count('webhook_events_total', { type: 'company.creation', result: 'ignored' })).toBe(1);
    expect(count('decisions_total', { outcome: 'created' })).toBe(3);
    // Call 1 and email 1 for each lead.
    expect(count('tasks_written_total', { channel: 'call', action: 'created' })).toBe(3);
    expect(count('tasks_written_total', { channel: 'email', action: 'created' })).toBe(3);
    // 45 s from creation to the first task: in the 60 s bucket, not in the 30 s one.
    expect(count('speed_to_lead_seconds_count')).toBe(3);
    expect(count('speed_to_lead_seconds_sum')).toBe(135);
    expect(count('speed_to_lead_seconds_bucket', { le: '30' })).toBe(0);
    expect(count('speed_to_lead_seconds_bucket', { le: '60' })).toBe(3);
    // Every request the emulator saw is counted once, by operation, and timed at the gate: the
    // start-up's lead-status check too.
    const requests = count('crm_requests_total', { connector: 'hubspot', status: 'ok' });
    expect(requests).toBe(hubspot.startup.length + hubspot.emulator.requests.length);
    const statusRead = { operation: 'read of the contact property hs_lead_status', status: 'ok' };
    expect(count('crm_requests_total', statusRead)).toBe(1);
    // Three contacts: each read with its associations in one request (new contacts have none).
    expect(count('crm_requests_total', { operation: 'read of a contact', status: 'ok' })).toBe(3);
    expect(count('crm_requests_total', { operation: 'batch create of tasks' })).toBe(1);
    expect(count('crm_request_duration_seconds_count', { connector: 'hubspot' })).toBe(requests);
    expect(count('crm_rate_limit_wait_seconds_count', { connector: 'hubspot' })).toBe(requests);
    expect(count('crm_rate_limit_queue', { connector: 'hubspot' })).toBe(0);
    expect(count('build_info', { crm: 'hubspot', cadence: 'research-default' })).toBe(1);
    expect(count('dry_run')).toBe(0);
  });

  it('counts refused deliveries by their error code, and CRM rate limits with their retries', async () => {
    const hubspot = track(await startHubSpotApp(TUESDAY_10AM));
    const unsigned = await hubspot.deliver([created('1')], { unsigned: true });
    expect(unsigned.status).toBe(401);
    const stale = await hubspot.deliver([created('1')], { timestamp: hubspot.now() - 3_600_000 });
    expect(stale.status).toBe(401);
    hubspot.emulator.failNext({ kind: 'rate_limit', retryAfter: 1 });
    const id = newContact(hubspot);
    expect((await hubspot.deliver([created(id)])).status).toBe(200);

    const samples = await scrape(hubspot.serviceUrl);
    const count = (name: string, labels: Record<string, string> = {}) =>
      sampleSum(samples, `lead_followup_${name}`, labels);
    const deliveries = (result: string) =>
      count('webhook_deliveries_total', { source: 'hubspot', result });
    expect(deliveries('missing_signature')).toBe(1);
    expect(deliveries('stale_signature')).toBe(1);
    expect(deliveries('ok')).toBe(1);
    expect(count('crm_requests_total', { status: 'crm_rate_limited' })).toBe(1);
    expect(count('crm_retries_total', { connector: 'hubspot', reason: 'crm_rate_limited' })).toBe(
      1,
    );
  });

  it('counts Salesforce outbound notifications by sObject type', async () => {
    const salesforce = track(await startSalesforceApp(TUESDAY_10AM));
    const lead = salesforce.emulator.createLead({
      LastName: 'Doe',
      Company: 'Acme',
      OwnerId: '0055g00000RepOnAAA',
    });
    const xml = outboundMessage(salesforce.emulator.orgId, [
      { type: 'Lead', fields: { Id: lead } },
      { type: 'Contact', fields: { Id: '0035g00000Cont1AAA' } },
    ]);
    expect((await salesforce.outbound(xml)).status).toBe(200);
    const samples = await scrape(salesforce.serviceUrl);
    const count = (name: string, labels: Record<string, string> = {}) =>
      sampleSum(samples, `lead_followup_${name}`, labels);
    expect(count('webhook_deliveries_total', { source: 'salesforce', result: 'ok' })).toBe(1);
    expect(count('webhook_events_total', { type: 'Lead', result: 'processed' })).toBe(1);
    expect(count('webhook_events_total', { type: 'Contact', result: 'ignored' })).toBe(1);
    expect(count('crm_requests_total', { connector: 'salesforce', operation: 'query' })).toBe(
      count('crm_requests_total', { connector: 'salesforce', operation: 'query', status: 'ok' }),
    );
    expect(count('tasks_written_total', { action: 'created' })).toBe(2);
  });

  it('counts decisions in dry run and writes nothing', async () => {
    const hubspot = track(await startHubSpotApp(TUESDAY_10AM, { DRY_RUN: 'true' }));
    const id = newContact(hubspot);
    expect((await hubspot.deliver([created(id)])).status).toBe(200);
    expect(hubspot.emulator.tasksOf(id)).toEqual([]);
    const samples = await scrape(hubspot.serviceUrl);
    expect(sampleSum(samples, 'lead_followup_dry_run')).toBe(1);
    expect(sampleSum(samples, 'lead_followup_decisions_total', { outcome: 'created' })).toBe(1);
    expect(sampleSum(samples, 'lead_followup_tasks_written_total')).toBe(0);
    expect(sampleSum(samples, 'lead_followup_speed_to_lead_seconds_count')).toBe(0);
  });

  it('asks for METRICS_TOKEN when it is set', async () => {
    const hubspot = track(await startHubSpotApp(TUESDAY_10AM, { METRICS_TOKEN }));
    const without = await fetch(`${hubspot.serviceUrl}/metrics`);
    expect(without.status).toBe(401);
    expect(await without.json()).toMatchObject({ error: { code: 'invalid_token' } });
    const wrong = await fetch(`${hubspot.serviceUrl}/metrics`, {
      headers: { authorization: 'Bearer not-the-metrics-token' },
    });
    expect(wrong.status).toBe(401);
    const samples = await scrape(hubspot.serviceUrl, METRICS_TOKEN);
    expect(sampleSum(samples, 'lead_followup_build_info')).toBe(1);
  });

  it('works on the sandbox CRM, where the first task of a new lead is timed too', async () => {
    const sandbox = await buildTestApp({}, TUESDAY_10AM);
    track(sandbox.app);
    const lead = await sandbox.app.inject({
      method: 'POST',
      url: '/sandbox/leads',
      payload: { name: 'Jane Doe', phone: '+12125550100' },
    });
    expect(lead.statusCode, lead.body).toBe(201);
    const response = await sandbox.app.inject({ method: 'GET', url: '/metrics' });
    const samples = parseMetrics(response.body);
    expect(sampleSum(samples, 'lead_followup_decisions_total', { outcome: 'created' })).toBe(1);
    // The sandbox writes the tasks at the lead's creation, on the same clock.
    expect(sampleSum(samples, 'lead_followup_speed_to_lead_seconds_count')).toBe(1);
    expect(sampleSum(samples, 'lead_followup_speed_to_lead_seconds_sum')).toBe(0);
  });

  it('gives at most 50 event types a label of their own; later ones count as other', async () => {
    const metrics = createMetrics({ crm: 'hubspot', cadence: 'research-default', dryRun: false });
    const events = new Map(
      Array.from({ length: 60 }, (_, i) => [`custom.type${i}`, { acted: 1, ignored: 0 }]),
    );
    metrics.delivery({ source: 'hubspot', result: 'ok', seconds: 0.1, events });
    metrics.delivery({ source: 'hubspot', result: 'ok', seconds: 0.1, events });
    const samples = parseMetrics(await metrics.registry.metrics()).filter(
      (s) => s.name === 'lead_followup_webhook_events_total',
    );
    expect(new Set(samples.map((s) => s.labels.type)).size).toBe(51);
    expect(sampleSum(samples, 'lead_followup_webhook_events_total', { type: 'custom.type0' })).toBe(
      2,
    );
    expect(sampleSum(samples, 'lead_followup_webhook_events_total', { type: 'other' })).toBe(20);
  });

  it('exposes process metrics and event-loop lag when asked to', async () => {
    const metrics = createMetrics({
      crm: 'sandbox',
      cadence: 'research-default',
      dryRun: false,
      processMetrics: true,
    });
    const names = new Set(parseMetrics(await metrics.registry.metrics()).map((s) => s.name));
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(names, name).toContain(name);
    }
  });
});

describe('logs', () => {
  it('write one line per webhook delivery, with its outcome, timing and lead ids', async () => {
    const logs = captureLogs('debug', { connector: 'hubspot' });
    const hubspot = track(await startHubSpotApp(TUESDAY_10AM, {}, { logger: logs.logger }));
    const ids = [newContact(hubspot), newContact(hubspot)];
    const response = await hubspot.deliver(ids.map(created));
    expect(response.status).toBe(200);
    await hubspot.deliver([created(ids[0] ?? '')], { unsigned: true });

    const lines = logs.take().map((line) => JSON.parse(line) as Record<string, unknown>);
    const deliveries = lines.filter((line) => line.msg === 'webhook delivery');
    expect(deliveries).toHaveLength(2);
    const [ok, refused] = deliveries;
    expect(ok).toMatchObject({
      level: 30,
      connector: 'hubspot',
      source: 'hubspot',
      method: 'POST',
      url: '/webhooks/hubspot',
      status: 200,
      events: 2,
      leadIds: ids,
      leads: 2,
      created: 4,
      signature: 'v3',
    });
    expect(typeof ok?.durationMs).toBe('number');
    expect(typeof ok?.reqId).toBe('string');
    expect(response.headers.get('x-request-id')).toBe(ok?.reqId);
    expect(refused).toMatchObject({ status: 401, code: 'missing_signature' });
    // Fastify's own request lines are replaced by this one.
    expect(lines.filter((line) => /incoming request/.test(String(line.msg)))).toEqual([]);
    // Each lead's decision is logged with the same request id.
    const decided = lines.filter((line) => line.msg === 'cadence decided');
    expect(decided.map((line) => line.leadId)).toEqual(ids);
    expect(decided.every((line) => line.reqId === ok?.reqId)).toBe(true);
    // The contacts' phone numbers were read from the CRM, and never logged. (Not just '555':
    // a line's epoch-millisecond time may hold those digits.)
    expect(JSON.stringify(lines)).not.toMatch(/555[\s-]?0100/);
  });

  it('mask emails and phone numbers anywhere, and secrets under their keys', () => {
    const { logger, take } = captureLogs('info');
    const refusal = new Error(
      'Property values were not valid: jane.doe+leads@example.co.uk, phone (415) 555-0100',
    );
    logger.error(
      {
        err: refusal,
        reason: 'call +44 20 7946 0958 or write to bob@example.com',
        lead: { email: 'x@y.io', phone: '+1 212 555 0100', name: 'Jane' },
        accessToken: 'pat-na1-secret',
        leadId: '12345678901',
        dueAt: '2026-11-24T15:00:00.000Z',
      },
      'the CRM refused a write',
    );
    const [line = ''] = take();
    // Whole numbers, not bare digits: the line's epoch-millisecond time may hold '555'.
    const secrets = ['example.co', 'bob@', '555-0100', '555 0100', '7946 0958', 'x@y.io'];
    for (const secret of [...secrets, 'pat-na1-secret']) {
      expect(line, secret).not.toContain(secret);
    }
    // Ids and timestamps are not mistaken for phone numbers.
    expect(line).toContain('"leadId":"12345678901"');
    expect(line).toContain('"dueAt":"2026-11-24T15:00:00.000Z"');
    expect(line).toContain('"name":"Jane"');
    expect(scrub(['a@b.de', 7, null])).toEqual(['[email]', 7, null]);
  });
});
