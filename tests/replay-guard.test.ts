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

  it('has a copy that arrives while the first works wait for its answer, or its failure', async () => {
    const guard = replayGuard({ now: () => 0 });
    let runs = 0;
    let finish: (value: string) => void = () => {};
    const slow = () => {
      runs++;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    };
    const first = guard.once('a', 10, slow);
    const copy = guard.once('a', 10, slow);
    finish('done');
    expect(await first).toEqual({ answer: 'done', replayed: false });
    expect(await copy).toEqual({ answer: 'done', replayed: true });
    expect(runs).toBe(1);

    let fail: (error: Error) => void = () => {};
    const failing = () =>
      new Promise<string>((_, reject) => {
        fail = reject;
      });
    const second = guard.once('b', 10, failing);
    const secondCopy = guard.once('b', 10, failing);
    fail(new Error('CRM down'));
    await expect(second).rejects.toThrow('CRM down');
    await expect(secondCopy).rejects.toThrow('CRM down');
    // Nothing kept: the redelivery does the work.
    expect(await guard.once('b', 10, async () => 'retried')).toEqual({
      answer: 'retried',
      replayed: false,
    });
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
