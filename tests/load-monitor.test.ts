import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLoadMonitor, type LoadMonitor } from '../src/http/load-monitor.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import { contactCreated, startHubSpotApp } from './support/hubspot-app.ts';

const NOW = '2026-11-24T15:00:00.000Z';

/** Keeps the event loop busy, as a CPU-bound process does. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const track = closedAfterEach();

describe('load monitor (event-loop delay)', () => {
  it('reports a blocked event loop as overloaded, and recovers once it runs freely', async () => {
    const monitor = createLoadMonitor(100, 100);
    /** Polls until `check` holds (the monitor reports once per sample), or gives up. */
    const eventually = async (check: () => boolean) => {
      for (let i = 0; i < 100 && !check(); i++) await delay(20);
      return check();
    };
    try {
      await delay(150);
      expect(monitor.overloaded()).toBe(false);
      blockFor(400);
      expect(await eventually(() => monitor.overloaded())).toBe(true);
      expect(monitor.delayMs()).toBeGreaterThan(100);
      expect(await eventually(() => !monitor.overloaded())).toBe(true);
    } finally {
      monitor.close();
    }
  });

  it('is off with 0', () => {
    const monitor = createLoadMonitor(0);
    blockFor(50);
    expect(monitor.overloaded()).toBe(false);
    monitor.close();
  });

  it('sheds new webhook deliveries with 429 overloaded while the process is overloaded', async () => {
    let busy = true;
    const load: LoadMonitor = { delayMs: () => 750, overloaded: () => busy, close() {} };
    const t = track(await startHubSpotApp(NOW, {}, { load }));
    const id = t.emulator.createContact({ lastname: 'Doe', hubspot_owner_id: '101' });
    const event = contactCreated(id);
    const shed = await t.deliver([event]);
    expect(shed.status).toBe(429);
    expect(Number(shed.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
    expect(await shed.json()).toMatchObject({ error: { code: 'overloaded' } });
    // Nothing was read or written; the redelivery, once the load is gone, does the work.
    expect(t.emulator.requests).toEqual([]);
    busy = false;
    expect((await t.deliver([event])).status).toBe(200);
    expect(t.emulator.tasksOf(id)).toHaveLength(2);
  });
});
