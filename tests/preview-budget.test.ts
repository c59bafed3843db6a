import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSandboxCrm } from '../connectors/sandbox/sandbox.connector.ts';
import { buildApp } from '../src/app.ts';
import { cpuBudget } from '../src/http/cpu-budget.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import { testConfig } from './support/test-app.ts';

const track = closedAfterEach();
const NOW = Date.parse('2026-11-24T15:00:00.000Z');

/** A clock that moves `stepMs` each time it is read: every piece of work costs `stepMs`. */
function steppingClock(stepMs: number) {
  let ms = 0;
  const clock = () => {
    ms += stepMs;
    return ms;
  };
  return Object.assign(clock, { skip: (by: number) => (ms += by) });
}

describe('the share of time the open routes may take', () => {
  it('runs work until the window’s share is spent, then refuses with 429 overloaded until the next window', () => {
    const clock = steppingClock(100);
    const budget = cpuBudget({ share: 0.25, windowMs: 1000, clock });
    // Each run reads the clock twice: 100 ms spent a run; 0, 100, 200 are under 250.
    for (let run = 0; run < 3; run++) expect(budget.spend(() => run)).toBe(run);
    expect(() => budget.spend(() => 'more')).toThrowError(
      expect.objectContaining({ statusCode: 429, code: 'overloaded', retryAfterSeconds: 1 }),
    );
    clock.skip(1000);
    expect(budget.spend(() => 'next window')).toBe('next window');
  });

  it('counts work that throws too', () => {
    const budget = cpuBudget({ share: 0.1, windowMs: 1000, clock: steppingClock(100) });
    expect(() =>
      budget.spend(() => {
        throw new Error('bad input');
      }),
    ).toThrow('bad input');
    expect(() => budget.spend(() => 1)).toThrowError(expect.objectContaining({ statusCode: 429 }));
  });

  it('refuses POST /cadence/preview and its page past the share, answering as every refusal does', async () => {
    const sandbox = createSandboxCrm(() => NOW);
    const app = track(
      await buildApp({
        config: testConfig({}),
        connector: sandbox,
        sandbox,
        logger: pino({ level: 'silent' }),
        now: () => NOW,
        previewBudget: cpuBudget({ share: 0.25, windowMs: 1000, clock: steppingClock(100) }),
      }),
    );
    const preview = () =>
      app.inject({
        method: 'POST',
        url: '/cadence/preview',
        payload: { createdAt: '2026-11-24T10:00:00-05:00', phone: '+1 212 555 0100' },
      });
    for (let run = 0; run < 3; run++) expect((await preview()).statusCode).toBe(200);
    const refused = await preview();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().error.code).toBe('overloaded');
    const page = await app.inject({ url: '/cadence/preview.html?createdAt=2026-11-24T10:00:00Z' });
    expect(page.statusCode).toBe(429);
    expect(page.json().error.code).toBe('overloaded');
    // Everything else is served as before.
    expect((await app.inject('/cadence')).statusCode).toBe(200);
  });
});
