import { describe, expect, it } from 'vitest';
import { TUESDAY_10AM } from './reliability/expected.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import { startHubSpotApp } from './support/hubspot-app.ts';

const track = closedAfterEach();

const probes = (t: { emulator: { requests: readonly { method: string; path: string }[] } }) =>
  t.emulator.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/contacts')).length;

const readyz = (serviceUrl: string, times: number) =>
  Promise.all(
    Array.from({ length: times }, async () => (await fetch(`${serviceUrl}/readyz`)).status),
  );

describe('GET /readyz, open to anyone who reaches the port, spends no API budget', () => {
  it('asks the CRM once for 50 probes at the same time', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM));
    const before = probes(t);
    expect(await readyz(t.serviceUrl, 50)).toEqual(Array(50).fill(200));
    expect(probes(t) - before).toBe(1);
  });

  it('while the CRM fails, asks it once and answers 503 from that until it is worth asking again', async () => {
    const t = track(await startHubSpotApp(TUESDAY_10AM));
    t.emulator.failNext({ kind: 'status', status: 503 }, { times: 1_000 });
    const before = probes(t);
    expect(await readyz(t.serviceUrl, 20)).toEqual(Array(20).fill(503));
    const first = probes(t) - before;
    expect(first).toBeGreaterThan(0);
    expect(await readyz(t.serviceUrl, 20)).toEqual(Array(20).fill(503));
    // One probe's requests (with its retries), not one per caller.
    expect(probes(t) - before).toBe(first);
  });
});
