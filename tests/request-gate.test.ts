import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CrmError } from '../connectors/crm-connector.port.ts';
import { createRequestGate, MAX_BOOKING_MS, withBudget } from '../connectors/request-gate.ts';

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

  it('reads the wait from the window: a full window frees its slots when its first starts age out', async () => {
    let now = 0;
    const gate = createRequestGate({
      limit: 10,
      windowMs: 10_000,
      maxConcurrency: 0,
      clock: () => now,
    });
    // Ten starts in the first second fill the window (held 250 ms longer than the CRM's).
    for (let i = 0; i < 10; i++) {
      now = i * 100;
      await gate.run(async () => undefined);
    }
    now = 1000;
    // The next request waits for the first start to leave: 0 + 10,250 − 1,000.
    expect(gate.expectedWaitMs()).toBe(9250);
    // A delivery of 10: its last request takes the slot the start at 900 ms frees.
    expect(gate.expectedWaitMs(10)).toBe(10_150);
    // Of 12, the last two wait for the window after (its second slot), and of 21, one more.
    expect(gate.expectedWaitMs(12)).toBe(100 + 2 * 10_250 - 1000);
    expect(gate.expectedWaitMs(21)).toBe(3 * 10_250 - 1000);
  });

  it('books each shed delivery its own turn, so redeliveries come back one after another', async () => {
    let now = 0;
    const gate = createRequestGate({
      limit: 10,
      windowMs: 10_000,
      maxConcurrency: 0,
      clock: () => now,
    });
    for (let i = 0; i < 10; i++) await gate.run(async () => undefined);
    const first = gate.book(5);
    const second = gate.book(5);
    const third = gate.book(5);
    expect(first).toBe(10_250);
    expect(second).toBe(10_250);
    // The first two take the next window's ten slots; the third waits one more window.
    expect(third).toBe(20_500);
    // A booking is forgotten once its turn has come.
    now = 30_000;
    expect(gate.book(5)).toBe(0);
  });

  it('caps a booked turn, so that senders ignoring Retry-After cannot push it out for ever', async () => {
    const now = 0;
    const gate = createRequestGate({
      limit: 1,
      windowMs: 10_000,
      maxConcurrency: 0,
      clock: () => now,
    });
    await gate.run(async () => undefined);
    let wait = 0;
    for (let i = 0; i < 100; i++) wait = gate.book(1);
    expect(wait).toBe(MAX_BOOKING_MS);
  });
});
