import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createAccountShare } from '../../connectors/account-share.ts';
import { createRequestGate } from '../../connectors/request-gate.ts';

const WINDOW = { max: 190, intervalMs: 10_000 };

describe('account share (replicas pace from what the CRM reports)', () => {
  it('uses the static split until the CRM reports its window; counts on its part less a reserve after', () => {
    const share = createAccountShare(190, 4);
    expect(share.claimable(0)).toBeUndefined();
    expect(share.staticLimit).toBe(Math.floor(190 / 4));
    expect(share.paceLimit).toBe(Math.floor((190 - 8) / 4));
  });

  it('claims a replicas-th part of what the window has left above the reserve, per report', () => {
    const share = createAccountShare(190, 4);
    share.record({ ...WINDOW, remaining: 150 }, 1000, 0, []);
    expect(share.claimable(1000)).toBe(Math.floor((150 - 8) / 4));
    share.started();
    expect(share.claimable(1000)).toBe(Math.floor((150 - 8) / 4) - 1);
  });

  it('counts its own requests still in flight as claimed: the CRM may not have counted them', () => {
    const share = createAccountShare(190, 4);
    share.record({ ...WINDOW, remaining: 150 }, 1000, 5, []);
    expect(share.claimable(1000)).toBe(Math.floor((150 - 8) / 4) - 5);
  });

  it('never takes more than the configured share of the window, however much is left', () => {
    const share = createAccountShare(100, 1);
    share.record({ ...WINDOW, remaining: 190 }, 0, 0, []);
    expect(share.claimable(0)).toBe(100 - 3);
  });

  it('replicas claiming from the same report take no more than is left, together', () => {
    for (const replicas of [2, 3, 4, 6]) {
      const shares = Array.from({ length: replicas }, () => createAccountShare(190, replicas));
      for (const remaining of [190, 120, 37, 9]) {
        let claimed = 0;
        for (const share of shares) {
          share.record({ ...WINDOW, remaining }, 0, 0, []);
          claimed += Math.max(0, share.claimable(0) ?? 0);
        }
        expect(claimed).toBeLessThanOrEqual(remaining);
      }
    }
  });

  it('frees its own requests as they leave the window, and others’ only once the report is stale', () => {
    const share = createAccountShare(190, 1);
    // 180 used: 20 of them ours, started at 0 ms; the rest another replica's, at unknown times.
    share.record({ ...WINDOW, remaining: 10 }, 5000, 0, Array(20).fill(0));
    expect(share.claimable(5000)).toBe(4);
    expect(share.nextClaimAt(5000)).toBe(10_000);
    expect(share.claimable(10_000)).toBe(24);
    expect(share.claimable(15_001)).toBeUndefined();
  });

  it('ignores a report that makes no sense', () => {
    const share = createAccountShare(190, 2);
    share.record({ max: 190, remaining: 500, intervalMs: 10_000 }, 0, 0, []);
    share.record({ max: 0, remaining: 0, intervalMs: 10_000 }, 0, 0, []);
    expect(share.claimable(0)).toBeUndefined();
  });
});

describe('request gate paced by the CRM’s reports', () => {
  it('goes past its static part once a report shows the window free, and stops when it is full', async () => {
    const gate = createRequestGate({ limit: 190, replicas: 4, maxConcurrency: 0 });
    let started = 0;
    const runs = Array.from({ length: 100 }, () => gate.run(async () => started++));
    await delay(5);
    expect(started).toBe(gate.stats.started);
    expect(started).toBe(Math.floor(190 / 4));
    // A report: only our 47 requests in the window; a quarter of the rest may go now.
    gate.report({ max: 190, remaining: 190 - 47, intervalMs: 10_000 });
    await delay(5);
    expect(started).toBe(47 + Math.floor((190 - 47 - 8) / 4));
    // Another replica filled the window: nothing more starts until it frees.
    gate.report({ max: 190, remaining: 0, intervalMs: 10_000 });
    const before = started;
    await delay(20);
    expect(started).toBe(before);
    expect(gate.waiting()).toBe(100 - before);
    void Promise.allSettled(runs);
  });
});
