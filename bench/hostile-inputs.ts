/**
 * The worst inputs we know for each public route, built once (bodies are reused Buffers, so
 * the bench's own CPU goes to sending them, not making them): what the hostile-intake bench
 * (`bench/hostile.bench.ts`) has every client send in turn.
 */
import { createHash } from 'node:crypto';
import { signV3 } from '../tests/support/hubspot-app.ts';
import { outboundMessage } from '../tests/support/salesforce-app.ts';
import { PUBLIC_URL } from './bench-kit.ts';

export const HUBSPOT_SECRET = 'hostile-bench-client-secret';
export const OUTBOUND_TOKEN = 'hostile-bench-outbound-token-0123456789';
export const WEBHOOK_TOKEN = 'hostile-bench-callout-token-0123456789';
export const ADMIN_TOKEN = 'hostile-bench-admin-token-0123456789';
export const METRICS_TOKEN = 'hostile-bench-metrics-token';

export interface Hostile {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
  /** Sent with a credential an outsider does not have (HOSTILE_INSIDER=1 only). */
  readonly insider?: boolean;
}

// Built when the bench starts: a v3 timestamp stays fresh for the 5 minutes the bench takes.

/** Just under 1 MiB: the largest body the service reads. */
const NEAR_MIB = 1024 * 1024 - 8 * 1024;
/** What made the old email pattern backtrack quadratically: a long a…@b… with no dot. */
const maskingWorstCase = (length: number) =>
  `${'a'.repeat(length / 2)}@${'b'.repeat(length / 2 - 1)}`;

const json = (_body: Buffer | string) => ({ 'content-type': 'application/json' });
const xml = { 'content-type': 'text/xml; charset=utf-8' };

function hubspotInputs(): Hostile[] {
  const path = '/webhooks/hubspot';
  const body = Buffer.from(
    `[${'{"objectId":1,"subscriptionType":"contact.creation"},'.repeat(18_000)}{}]`,
  );
  const now = Date.now();
  const legacy = createHash('sha256').update(HUBSPOT_SECRET).update(body).digest('hex');
  return [
    { name: 'hubspot: 1 MiB unsigned', method: 'POST', path, headers: json(body), body },
    {
      name: 'hubspot: 1 MiB with a valid v1 signature (legacy off)',
      method: 'POST',
      path,
      headers: { ...json(body), 'x-hubspot-signature': legacy },
      body,
    },
    {
      name: 'hubspot: 1 MiB with a v3 signature an hour old',
      method: 'POST',
      path,
      headers: {
        ...json(body),
        'x-hubspot-signature-v3': signV3(
          `${PUBLIC_URL}${path}`,
          body,
          now - 3_600_000,
          HUBSPOT_SECRET,
        ),
        'x-hubspot-request-timestamp': String(now - 3_600_000),
      },
      body,
    },
    {
      // A fresh timestamp and a well-formed digest: the body is read and hashed, then refused.
      name: 'hubspot: 1 MiB with a fresh, wrong v3 signature',
      method: 'POST',
      path,
      headers: {
        ...json(body),
        'x-hubspot-signature-v3': signV3(`${PUBLIC_URL}${path}`, body, now, 'not-the-secret'),
        'x-hubspot-request-timestamp': String(now),
      },
      body,
    },
  ];
}

function salesforceInputs(): Hostile[] {
  const path = '/webhooks/salesforce';
  const filler = `<sf:Description>${'x'.repeat(NEAR_MIB - 4096)}</sf:Description>`;
  const wrongOrg = Buffer.from(
    outboundMessage('00D000000000001AAA', [
      { type: 'Lead', fields: { Id: '00Q5g0000000001AAA', Description: filler } },
    ]),
  );
  // The XML validator quotes a bad tag name in its error: the masking worst case, 1 MiB long.
  const badTag = Buffer.from(`<${maskingWorstCase(NEAR_MIB)}></x>`);
  return [
    {
      name: 'salesforce: 1 MiB envelope of another org, no token',
      method: 'POST',
      path,
      headers: xml,
      body: wrongOrg,
    },
    {
      name: 'salesforce: 1 MiB envelope as application/json; a=text/xml, no bearer',
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json; a=text/xml' },
      body: wrongOrg,
    },
    {
      name: 'salesforce: 1 MiB masking worst-case tag, no token',
      method: 'POST',
      path,
      headers: xml,
      body: badTag,
    },
    {
      // An insider, or a leaked URL: the XML error path with its quoted 1 MiB tag name.
      name: 'salesforce: 1 MiB masking worst-case tag, with the token',
      insider: true,
      method: 'POST',
      path: `${path}?token=${OUTBOUND_TOKEN}`,
      headers: xml,
      body: badTag,
    },
  ];
}

function otherInputs(): Hostile[] {
  const junk = Buffer.from(`{"a":"${maskingWorstCase(NEAR_MIB)}"}`);
  const preview = Buffer.from(
    JSON.stringify({ createdAt: '2026-11-24T15:00:00Z', phone: '+1 212 555 0100' }),
  );
  return [
    {
      name: '404 with a 15 KB masking worst-case query',
      method: 'GET',
      path: `/x?q=${maskingWorstCase(15_000)}`,
    },
    {
      name: 'GET /cadence with an 8 KB X-Request-Id',
      method: 'GET',
      path: '/cadence',
      headers: { 'x-request-id': JSON.stringify({ level: 60, msg: 'x'.repeat(8000) }) },
    },
    {
      name: 'GET /readyz with a 15 KB query',
      method: 'GET',
      path: `/readyz?${'a=b&'.repeat(3700)}`,
    },
    {
      name: 'GET /metrics with a wrong bearer',
      method: 'GET',
      path: '/metrics',
      headers: { authorization: 'Bearer wrong-metrics-token' },
    },
    {
      name: 'GET /reports/attempts, wrong token, 10 KB query',
      method: 'GET',
      path: `/reports/attempts?since=${'9'.repeat(10_000)}`,
      headers: { authorization: 'Bearer wrong' },
    },
    {
      name: 'POST /reconcile 1 MiB, wrong bearer',
      method: 'POST',
      path: '/reconcile',
      headers: { ...json(junk), authorization: 'bearer wrong' },
      body: junk,
    },
    {
      name: 'POST /cadence/preview 1 MiB of junk JSON',
      method: 'POST',
      path: '/cadence/preview',
      headers: json(junk),
      body: junk,
    },
    {
      name: 'POST /cadence/preview, valid (engine work)',
      method: 'POST',
      path: '/cadence/preview',
      headers: json(preview),
      body: preview,
    },
  ];
}

/**
 * Every hostile request, for every public route of both CRMs (the other CRM's route is a 404);
 * with `insider`, also those that carry a credential (a leaked outbound URL, say).
 */
export function hostileInputs(insider: boolean): Hostile[] {
  const all = [...hubspotInputs(), ...salesforceInputs(), ...otherInputs()];
  return all.filter((input) => insider || !input.insider);
}
