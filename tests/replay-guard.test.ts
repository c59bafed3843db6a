import { describe, expect, it } from 'vitest';
import { replayGuard } from '../src/webhooks/replay-guard.ts';

describe('replayGuard', () => {
  it('does the work once per key until its signature expires, and never keeps a failure', async () => {
    let now = 1_000;
    const guard = replayGuard({ now: () => now });
    let runs = 0;
    const work = async () => ++runs;
    expect(await guard.once('a', 2_000, work)).toEqual({ answer: 1, replayed: false });
    expect(await guard.once('a', 2_000, work)).toEqual({ answer: 1, replayed: true });
    now = 2_000;
    expect(await guard.once('a', 3_000, work)).toEqual({ answer: 2, replayed: false });
    const failing = () => Promise.reject(new Error('CRM down'));
    await expect(guard.once('b', 9_000, failing)).rejects.toThrow('CRM down');
    expect(await guard.once('b', 9_000, work)).toEqual({ answer: 3, replayed: false });
  });

  it('keeps at most `max` answers, dropping the oldest', async () => {
    const guard = replayGuard({ now: () => 0, max: 2 });
    let runs = 0;
    const work = async () => ++runs;
    for (const key of ['a', 'b', 'c']) await guard.once(key, 10, work);
    expect((await guard.once('c', 10, work)).replayed).toBe(true);
    expect((await guard.once('a', 10, work)).replayed).toBe(false);
  });
});
