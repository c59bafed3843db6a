import { describe, expect, it } from 'vitest';
import { CrmError } from '../../connectors/crm-connector.port.ts';
import {
  createDailyGuard,
  EXHAUSTED_COOL_DOWN_MS,
  PROBE_INTERVAL_MS,
} from '../../connectors/daily-guard.ts';

const refusal = (guard: ReturnType<typeof createDailyGuard>, background = false) => {
  try {
    guard.check(background);
  } catch (error) {
    return error instanceof CrmError ? error : undefined;
  }
  return undefined;
};

describe('daily budget guard', () => {
  it('lets everything through until the CRM reports a usage', () => {
    const guard = createDailyGuard(0.5, () => 0);
    expect(guard.check(true)).toBe('go');
    expect(guard.status()).toEqual({ state: 'ok' });
  });

  it('stops background work first, at 90% of the budget, and keeps webhooks going', () => {
    let now = 0;
    const guard = createDailyGuard(0.5, () => now);
    guard.report({ used: 46_000, limit: 100_000 });
    expect(guard.status().state).toBe('background_paused');
    expect(guard.check(false)).toBe('go');
    // The first background call past the threshold reads the counter again; the next is refused.
    expect(guard.check(true)).toBe('probe');
    expect(refusal(guard, true)?.code).toBe('crm_daily_budget');
    now += PROBE_INTERVAL_MS;
    expect(guard.check(true)).toBe('probe');
  });

  it('past the budget refuses webhooks too, with a Retry-After of the next probe, and one probe a minute', () => {
    let now = 0;
    const guard = createDailyGuard(0.5, () => now);
    guard.report({ used: 50_000, limit: 100_000 });
    expect(guard.check(false)).toBe('probe');
    const refused = refusal(guard);
    expect(refused).toMatchObject({ code: 'crm_daily_budget', retryable: true });
    expect(refused?.retryAfterSeconds).toBe(60);
    expect(guard.status()).toEqual({ state: 'paused', usage: 0.5, retryAfterSeconds: 60 });
    now += PROBE_INTERVAL_MS;
    expect(guard.check(false)).toBe('probe');
    guard.report({ used: 20_000, limit: 100_000 });
    expect(guard.check(false)).toBe('go');
    expect(guard.status()).toEqual({ state: 'ok', usage: 0.2 });
  });

  it('after the CRM refuses for the day, sends nothing until the cool-down ends (circuit open)', () => {
    let now = 0;
    const guard = createDailyGuard(0.5, () => now);
    guard.exhausted(undefined);
    expect(guard.status().state).toBe('exhausted');
    expect(refusal(guard)?.retryAfterSeconds).toBe(EXHAUSTED_COOL_DOWN_MS / 1000);
    now += EXHAUSTED_COOL_DOWN_MS - 1;
    expect(refusal(guard)?.code).toBe('crm_daily_budget');
    now += 1;
    // Half open: one call reads the counter; the rest wait for what it says.
    expect(guard.check(false)).toBe('probe');
    expect(refusal(guard)?.code).toBe('crm_daily_budget');
    guard.report({ used: 10, limit: 100_000 });
    expect(guard.check(false)).toBe('go');
  });

  it('takes the CRM’s Retry-After as the cool-down when it sends one', () => {
    const guard = createDailyGuard(0.5, () => 0);
    guard.exhausted(3600);
    expect(guard.status()).toMatchObject({ state: 'exhausted', retryAfterSeconds: 3600 });
  });
});
