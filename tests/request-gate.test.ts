import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CrmError } from '../connectors/crm-connector.port.ts';
import { createRequestGate, withBudget } from '../connectors/request-gate.ts';

describe('request gate (client-side rate limit)', () => {
  it('never starts more than the limit in any window', async () => {
    const gate = createRequestGate({ limit: 3, windowMs: 200, maxConcurrency: 0 });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 9 }, () => gate.run(async () => starts.push(performance.now()))),
    );
    for (const start of starts) {
      expect(starts.filter((s) => s >= start && s < start + 200).length).toBeLessThanOrEqual(3);
    }
    expect(gate.stats).toEqual({ started: 9, queued: 6 });
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const gate = createRequestGate({ limit: 0, maxConcurrency: 2 });
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        gate.run(async () => {
          most = Math.max(most, ++inFlight);
          await delay(10);
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(2);
  });

  it('lets webhooks go before the background sweep', async () => {
    const gate = createRequestGate({ limit: 0, maxConcurrency: 1 });
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      await delay(5);
    };
    const background = (name: string) =>
      withBudget({ background: true, reserved: 0 }, () => gate.run(job(name)));
    await Promise.all([
      background('sweep 1'),
      background('sweep 2'),
      withBudget({ reserved: 0 }, () => gate.run(job('webhook'))),
    ]);
    expect(order).toEqual(['sweep 1', 'webhook', 'sweep 2']);
  });

  it('drops a queued request once its deadline passes, without running it', async () => {
    const gate = createRequestGate({ limit: 1, windowMs: 60_000, maxConcurrency: 0 });
    await gate.run(async () => undefined);
    const controller = new AbortController();
    let ran = false;
    const waiting = withBudget({ signal: controller.signal, reserved: 0 }, () =>
      gate.run(async () => {
        ran = true;
      }),
    );
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'deadline_exceeded', retryable: true });
    await expect(waiting).rejects.toBeInstanceOf(CrmError);
    expect(ran).toBe(false);
  });

  it('counts what admitted webhooks still expect to send in the wait it predicts', () => {
    const gate = createRequestGate({ limit: 10, windowMs: 10_000, maxConcurrency: 0 });
    expect(gate.expectedWaitMs()).toBe(0);
    const release = gate.admit({ reserved: 30 });
    // 30 requests ahead and 10 per window: the next one waits for about two windows.
    expect(gate.expectedWaitMs()).toBeGreaterThan(20_000);
    release();
    expect(gate.expectedWaitMs()).toBe(0);
  });
});
