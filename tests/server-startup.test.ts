import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startHubSpotEmulator } from './emulators/hubspot-emulator.ts';

/** Runs the real entry point with only `env` (plus PATH), until it exits. */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: new URL('..', import.meta.url),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs the real entry point until it says it is ready; its log lines up to then. */
function logUntilReady(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: new URL('..', import.meta.url),
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  return new Promise<{ level: number; msg: string }[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`exited ${code} before it was ready: ${stdout}`)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!stdout.includes('lead follow-up service ready')) return;
      child.removeAllListeners('close');
      child.kill();
      resolve(
        stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      );
    });
  });
}

describe('server start-up', () => {
  it('starts with contact hours a rules row leaves no time in, and logs a warning naming it', async () => {
    const lines = await logUntilReady({ LEAD_CONTACT_HOURS: 'Mon-Fri 18:00-21:00' });
    const warnings = lines.filter((line) => line.level === 40).map((line) => line.msg);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^LEAD_CONTACT_HOURS: the calling rules leave no time in it for leads in US-RI/,
    );
  });

  it('exits 1 naming TIMEZONE and every missing HubSpot variable in one message', async () => {
    const { code, stderr } = await startServer({ CRM: 'hubspot', TIMEZONE: 'bad', PORT: '0' });
    expect(code).toBe(1);
    expect(stderr.match(/Invalid configuration/g)).toHaveLength(1);
    for (const name of [
      'TIMEZONE',
      'HUBSPOT_ACCESS_TOKEN',
      'HUBSPOT_CLIENT_SECRET',
      'PUBLIC_URL',
    ]) {
      expect(stderr).toContain(`- ${name}:`);
    }
  });

  it('exits 1 naming a lead status HubSpot does not have, after reading hs_lead_status', async () => {
    const emulator = await startHubSpotEmulator();
    try {
      const { code, stderr } = await startServer({
        CRM: 'hubspot',
        PORT: '0',
        HUBSPOT_ACCESS_TOKEN: emulator.token,
        HUBSPOT_CLIENT_SECRET: 'hubspot-client-secret-for-tests',
        HUBSPOT_API_BASE_URL: emulator.url,
        PUBLIC_URL: 'https://followup.example.com',
        HUBSPOT_OPEN_LEAD_STATUSES: 'NEW,OPEN,ATTEMPTED',
      });
      expect(code).toBe(1);
      expect(stderr).toContain(
        `Invalid configuration:\n  - HUBSPOT_OPEN_LEAD_STATUSES: "ATTEMPTED" is not a value of HubSpot's contact property hs_lead_status`,
      );
      expect(emulator.requests.map((r) => r.path)).toEqual([
        '/crm/properties/2026-09/contacts/hs_lead_status',
      ]);
    } finally {
      await emulator.close();
    }
  });

  it('exits 1 naming the Salesforce org id and credentials beside a bad port', async () => {
    const { code, stderr } = await startServer({ CRM: 'salesforce', PORT: 'eighty' });
    expect(code).toBe(1);
    for (const name of ['PORT', 'SALESFORCE_ORG_ID', 'SALESFORCE_INSTANCE_URL']) {
      expect(stderr).toContain(`- ${name}`);
    }
  });
});
