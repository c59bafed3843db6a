import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandboxCrm } from '../../connectors/sandbox/sandbox.connector.ts';
import { buildApp } from '../../src/app.ts';
import { configVariables } from '../../src/config/config.ts';
import { readDoc } from '../support/markdown.ts';
import { testConfig } from '../support/test-app.ts';

/** Each CRM mounts its own routes: together these three apps register every route there is. */
const CRMS: Record<string, Record<string, string>> = {
  sandbox: {},
  hubspot: {
    CRM: 'hubspot',
    HUBSPOT_ACCESS_TOKEN: 'pat-test',
    HUBSPOT_CLIENT_SECRET: 'secret',
    PUBLIC_URL: 'https://followup.example.com',
  },
  salesforce: {
    CRM: 'salesforce',
    SALESFORCE_ORG_ID: '00D000000000001',
    SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com',
    SALESFORCE_ACCESS_TOKEN: 'token',
  },
};

const apps: FastifyInstance[] = [];
afterAll(() => Promise.all(apps.map((app) => app.close())));

/** `METHOD /path` of every route an app registers, read from Fastify's own route tree. */
function routesOf(app: FastifyInstance): string[] {
  const parents: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (parents[depth - 1] ?? '') + (match[2] ?? '');
    parents[depth] = path;
    for (const method of (match[3] ?? '').split(', ')) {
      if (method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

async function registeredRoutes(): Promise<string[]> {
  const routes = new Set<string>();
  for (const env of Object.values(CRMS)) {
    const sandbox = createSandboxCrm(Date.now);
    const app = await buildApp({
      config: testConfig(env),
      connector: sandbox,
      sandbox: env.CRM === undefined ? sandbox : undefined,
      logger: pino({ level: 'silent' }),
    });
    apps.push(app);
    await app.ready();
    for (const route of routesOf(app)) routes.add(route);
  }
  return [...routes].sort();
}

describe('the references cannot drift from the code', () => {
  it('docs/configuration.md names every variable of the config schema', () => {
    const reference = readDoc('docs/configuration.md');
    const variables = configVariables();
    expect(variables.length).toBeGreaterThan(30);
    expect(variables.filter((name) => !reference.includes(`\`${name}\``))).toEqual([]);
  });

  it('docs/endpoints.md has a row for every route the app registers, on every CRM', async () => {
    const rows = readDoc('docs/endpoints.md')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    const routes = await registeredRoutes();
    expect(routes).toContain('POST /webhooks/hubspot');
    expect(routes).toContain('POST /webhooks/salesforce');
    expect(routes).toContain('PATCH /sandbox/leads/:id');
    const documented = (route: string) =>
      rows.some((row) => row.startsWith(`| \`${route}\``) || row.startsWith(`| \`${route}?`));
    expect(routes.filter((route) => !documented(route))).toEqual([]);
  });
});
