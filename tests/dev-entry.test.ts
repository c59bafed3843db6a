import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';

const DEV = new URL('../src/dev.ts', import.meta.url).pathname;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child?.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

/** Starts `npm run dev`'s entry with this environment and returns its start-up line. */
async function startDev(env: Record<string, string>): Promise<Record<string, string>> {
  const { PATH = '' } = process.env;
  child = spawn(process.execPath, [DEV], { env: { PATH, PORT: '0', ...env } });
  let out = '';
  for await (const chunk of child.stdout ?? []) {
    out += String(chunk);
    const ready = out.split('\n').find((line) => line.includes('service ready'));
    if (ready) return JSON.parse(ready);
  }
  throw new Error(`no start-up line: ${out}`);
}

describe('npm run dev (src/dev.ts)', () => {
  it("listens on 127.0.0.1 in this machine's zone, and says so with the hours", async () => {
    const ready = await startDev({ TZ: 'Asia/Tokyo' });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.msg).toContain(
      '(sandbox CRM): team hours Mon-Fri 09:00-17:00 in Asia/Tokyo, leads contacted Mon-Fri 08:00-20:00',
    );
    const health = await fetch(`${ready.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('keeps HOST and TIMEZONE when they are set', async () => {
    const ready = await startDev({ TZ: 'Asia/Tokyo', HOST: '127.0.0.2', TIMEZONE: 'Europe/Paris' });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.2:/);
    expect(ready.timezone).toBe('Europe/Paris');
  });
});
