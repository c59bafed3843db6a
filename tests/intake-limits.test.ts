import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs } from './support/captured-logs.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import { outboundMessage, startSalesforceApp } from './support/salesforce-app.ts';
import { serveApp, testConfig } from './support/test-app.ts';

const NOW = Date.parse('2026-11-24T15:00:00.000Z');
const track = closedAfterEach();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function serve(env: Record<string, string> = {}, logs = captureLogs('info')) {
  const { app, serviceUrl } = await serveApp(testConfig(env), () => NOW, logs.logger);
  track(app);
  return { url: serviceUrl, port: Number(new URL(serviceUrl).port), logs };
}

interface Drip {
  /** What the server answered before it closed the socket. */
  readonly answer: string;
  /** Whether the server closed the socket while the client was still dripping. */
  readonly cutOff: boolean;
}

/**
 * Opens a socket, writes `head`, then one more `drip` every 100 ms for up to `forMs`; resolves
 * when the server closes the socket or the drip is over, whichever comes first.
 */
function drip(port: number, head: string, unit: string, forMs: number): Promise<Drip> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let dripping = true;
    socket.write(head);
    const timer = setInterval(() => socket.write(unit), 100);
    const stop = setTimeout(() => {
      dripping = false;
      socket.destroy();
    }, forMs);
    socket.on('data', (data) => {
      answer += data;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(stop);
      resolve({ answer, cutOff: dripping });
    });
  });
}

let closing: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closing?.();
  closing = undefined;
});

describe('slow clients', () => {
  const fast = { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '1500' };

  it('cuts off a client that drips its headers, with 408 request_timeout', async () => {
    const { port, logs } = await serve(fast);
    const result = await drip(
      port,
      'POST /reconcile HTTP/1.1\r\nHost: x\r\n',
      'X-A: b\r\n',
      15_000,
    );
    expect(result.cutOff).toBe(true);
    expect(result.answer).toMatch(/^HTTP\/1.1 408 /);
    expect(result.answer).toContain('"code":"request_timeout"');
    expect(logs.take().join('\n')).toContain('"code":"request_timeout"');
  });

  it('cuts off a client that drips its body, and one that sends nothing at all', async () => {
    const { port } = await serve(fast);
    const head =
      'POST /cadence/preview HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n';
    const body = await drip(port, head, ' ', 15_000);
    expect(body.cutOff).toBe(true);
    expect(body.answer).toMatch(/^HTTP\/1.1 408 /);
    const silent = await drip(port, '', '', 15_000);
    expect(silent.cutOff).toBe(true);
  });

  it('configures the timeouts, with defaults that fit a webhook receiver behind a load balancer', () => {
    expect(testConfig({})).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 15_000,
      keepAliveTimeoutMs: 72_000,
    });
    expect(() => testConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /HEADERS_TIMEOUT_MS: must not be longer than REQUEST_TIMEOUT_MS/,
    );
  });
});

describe('work before authentication, off the webhooks', () => {
  it('reads no body for an unknown route or an unauthenticated /reconcile, and caps other bodies at 64 KiB', async () => {
    const { url } = await serve({ ADMIN_TOKEN: 'admin-token-0123456789abcdef' });
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const codeOf = async (response: Response) => [
      response.status,
      ((await response.json()) as { error: { code: string } }).error.code,
    ];
    // Not JSON: parsing it would have answered 400 invalid_json.
    expect(await codeOf(await post('/nowhere', '{not json'))).toEqual([404, 'not_found']);
    expect(
      await codeOf(await post('/reconcile', '{not json', { authorization: 'Bearer x' })),
    ).toEqual([401, 'invalid_token']);
    const big = JSON.stringify({ createdAt: '2026-11-24T15:00:00Z', pad: 'x'.repeat(70_000) });
    expect(await codeOf(await post('/cadence/preview', big))).toEqual([413, 'body_too_large']);
  });
});

describe('request ids', () => {
  it('echoes a short plain X-Request-Id and replaces anything else with a fresh one', async () => {
    const { url, logs } = await serve();
    const idOf = async (id: string) =>
      (await fetch(`${url}/healthz`, { headers: { 'x-request-id': id } })).headers.get(
        'x-request-id',
      );
    expect(await idOf('lb-1700000000.abc:42_x')).toBe('lb-1700000000.abc:42_x');
    expect(await idOf('a'.repeat(64))).toBe('a'.repeat(64));
    const hostile = JSON.stringify({ level: 60, msg: 'forged', x: 'y'.repeat(8000) });
    for (const id of [hostile, 'a'.repeat(65), 'has space', 'quote"d', 'é']) {
      expect(await idOf(id), id.slice(0, 20)).toMatch(UUID);
    }
    expect(logs.take().join('\n')).not.toContain('forged');
  });
});

describe('attacker text in logs and answers', () => {
  it('caps a huge URL in the log line and in the 404 answer, masking in linear time', async () => {
    const { url, logs } = await serve();
    const query = `${'a'.repeat(7000)}@${'b'.repeat(7000)}`;
    const response = await fetch(`${url}/nowhere?q=${query}`);
    expect(response.status).toBe(404);
    const answer = (await response.json()) as { error: { message: string } };
    expect(answer.error.message.length).toBeLessThan(400);
    const [line = ''] = logs.take().filter((l) => l.includes('/nowhere'));
    expect(line.length).toBeGreaterThan(1000);
    expect(line.length).toBeLessThan(6000);
  });

  it('caps what an XML error quotes from a near-1 MiB body, in the fault and in the log', async () => {
    const logs = captureLogs('info');
    const t = await startSalesforceApp('2026-11-24T15:00:00.000Z', {}, 'token', {
      logger: logs.logger,
    });
    closing = () => t.close();
    const tag = `${'a'.repeat(500_000)}@${'b'.repeat(500_000)}`;
    const body = outboundMessage(t.emulator.orgId, []).replace('<ActionId>', `<${tag}></x>`);
    const response = await t.outbound(body);
    expect(response.status).toBe(400);
    expect((await response.text()).length).toBeLessThan(1000);
    const lines = logs.take();
    expect(lines.some((l) => l.includes('invalid_xml'))).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThan(10_000);
  });
});
