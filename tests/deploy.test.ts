import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, type IContainer, type IPodSpec, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/config/config.ts';

const CRM_CONFIG_FILES = ['hubspot', 'salesforce'].map(
  (crm) => `connectors/${crm}/${crm}.config.ts`,
);

import type { SweepTotals } from '../src/pipeline/sweep.ts';

const DIR = new URL('../deploy/kubernetes/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');
const FILES = readdirSync(DIR).filter((name) => name.endsWith('.yaml'));
/** A kustomize build file, not an API object; checked on its own below. */
const BUILD_FILE = 'kustomization.yaml';
const EXAMPLE_SECRET = 'secret.example.yaml';
/** As kubectl reads YAML: `NO`, `on` or `yes` would be booleans, not strings. */
const YAML_1_1 = { version: '1.1' } as const;

interface Model<T> {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: never): T;
}
const MODELS: readonly Model<{ validate(): void }>[] = [
  ConfigMap,
  Secret,
  Service,
  Deployment,
  CronJob,
  PodDisruptionBudget,
  Ingress,
];

/** Validates an object against the schema of its apiVersion/kind; an unknown kind fails. */
function validate(object: unknown): void {
  const { apiVersion, kind } = (object ?? {}) as { apiVersion?: unknown; kind?: unknown };
  const model = MODELS.find((m) => m.apiVersion === apiVersion && m.kind === kind);
  if (!model) throw new Error(`unknown kind ${String(apiVersion)} ${String(kind)}: add its model`);
  new model(object as never).validate();
}

function documents(name: string): unknown[] {
  return parseAllDocuments(read(name), YAML_1_1)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0]?.message}`);
      return doc.toJS() as unknown;
    })
    .filter((object) => object !== null);
}

const OBJECTS = FILES.filter((name) => name !== BUILD_FILE).flatMap(documents);

/** The one object of a kind, typed by its model. */
function the<T>(model: Model<T>): T {
  const found = OBJECTS.filter((o) => (o as { kind?: unknown }).kind === model.kind);
  if (found.length !== 1) throw new Error(`expected one ${model.kind}, found ${found.length}`);
  return new model(found[0] as never);
}

const deployment = the(Deployment);
const cronJob = the(CronJob);
const configMap = the(ConfigMap);
const secret = the(Secret);
const service = the(Service);
const pod = deployment.spec?.template.spec as IPodSpec;
const app = pod.containers[0] as IContainer;
const cronPod = cronJob.spec?.jobTemplate.spec?.template.spec as IPodSpec;
const cronContainer = cronPod.containers[0] as IContainer;
const podLabels = deployment.spec?.template.metadata?.labels ?? {};

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.keys(selector ?? {}).length > 0 &&
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);

/** `# NAME: value` lines: the documented alternatives of a ConfigMap or Secret. */
function commentedEntries(name: string): Record<string, unknown> {
  const lines = [...read(name).matchAll(/^\s*# ([A-Z][A-Z0-9_]+: .*)$/gm)].map((m) => m[1]);
  return (parse(lines.join('\n'), YAML_1_1) ?? {}) as Record<string, unknown>;
}

function asEnv(...maps: Record<string, unknown>[]): Record<string, string> {
  const env = Object.assign({}, ...maps) as Record<string, unknown>;
  for (const [key, value] of Object.entries(env)) expect(typeof value, key).toBe('string');
  return env as Record<string, string>;
}

const withoutHubSpot = (map: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(map).filter(([key]) => !key.startsWith('HUBSPOT_')));

/** HubSpot's largest burst limit: a private app on Professional or Enterprise, per 10 s. */
const HUBSPOT_BURST = 190;

describe('Kubernetes manifests', () => {
  it('are valid objects of known kinds, each against its Kubernetes schema', () => {
    expect(OBJECTS.length).toBeGreaterThanOrEqual(7);
    for (const object of OBJECTS) expect(() => validate(object)).not.toThrow();
  });

  it('the schema check rejects a wrong field type and an unknown kind', () => {
    const json = JSON.stringify(deployment);
    const quotedPort = json.replace(/"containerPort":(\d+)/, '"containerPort":"$1"');
    expect(quotedPort).not.toBe(json);
    expect(() => validate(JSON.parse(quotedPort))).toThrow(/containerPort/);
    const unquoted = { apiVersion: 'v1', kind: 'ConfigMap', data: { CRM_RATE_LIMIT: 28 } };
    expect(() => validate(unquoted)).toThrow(/CRM_RATE_LIMIT/);
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' };
    expect(() => validate(monitor)).toThrow(/unknown kind/);
  });

  it('kustomization applies every manifest but the example Secret', () => {
    const build = parse(read(BUILD_FILE)) as { kind: string; resources: string[] };
    expect(build.kind).toBe('Kustomization');
    const expected = FILES.filter((name) => name !== BUILD_FILE && name !== EXAMPLE_SECRET);
    expect([...build.resources].sort()).toEqual(expected.sort());
  });

  it('the Service, PDB and Ingress point at the Deployment, not at the CronJob', () => {
    const cronLabels = cronJob.spec?.jobTemplate.spec?.template.metadata?.labels ?? {};
    const pdb = the(PodDisruptionBudget);
    for (const selector of [service.spec?.selector, pdb.spec?.selector?.matchLabels]) {
      expect(selects(selector, podLabels)).toBe(true);
      expect(selects(selector, cronLabels)).toBe(false);
    }
    expect(selects(deployment.spec?.selector.matchLabels, podLabels)).toBe(true);
    expect(deployment.metadata?.name).toBe('lead-followup');
    // Two survive one pod or node going away; no autoscaler (see deployment.yaml).
    expect(deployment.spec?.replicas).toBeGreaterThanOrEqual(2);
    expect(OBJECTS.map((o) => (o as { kind?: string }).kind)).not.toContain(
      'HorizontalPodAutoscaler',
    );
    expect(pdb.spec?.minAvailable).toBe(1);
    const servicePort = service.spec?.ports?.[0];
    expect(app.ports?.map((p) => p.name)).toContain(servicePort?.targetPort);
    for (const rule of the(Ingress).spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        expect(path.path).toMatch(/^\/webhooks\/?$/);
        expect(path.backend.service).toEqual({
          name: service.metadata?.name,
          port: { name: servicePort?.name },
        });
      }
    }
  });

  it('probes check /healthz and /readyz on the port the app listens on', () => {
    const loaded = loadConfig(asEnv(configMap.data ?? {}, secret.stringData ?? {}));
    const port = loaded.ok ? loaded.config.port : undefined;
    const resolve = (p: number | string | undefined) =>
      typeof p === 'number' ? p : app.ports?.find((named) => named.name === p)?.containerPort;
    expect(resolve('http')).toBe(port);
    expect(app.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(app.startupProbe?.httpGet?.path ?? '/healthz').toBe('/healthz');
    expect(app.readinessProbe?.httpGet?.path).toBe('/readyz');
    for (const probe of [app.livenessProbe, app.readinessProbe, app.startupProbe]) {
      if (probe) expect(resolve(probe.httpGet?.port)).toBe(port);
    }
  });

  it('every container runs non-root, read-only, unprivileged, with requests and limits', () => {
    for (const spec of [pod, cronPod]) {
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        const effective = { ...spec.securityContext, ...container.securityContext };
        expect(effective.runAsNonRoot, container.name).toBe(true);
        expect(effective.runAsUser).toBeGreaterThan(0);
        expect(effective.seccompProfile?.type).toBe('RuntimeDefault');
        expect(effective.readOnlyRootFilesystem).toBe(true);
        expect(effective.allowPrivilegeEscalation).toBe(false);
        expect(effective.capabilities?.drop).toContain('ALL');
        expect(Object.keys(container.resources?.requests ?? {})).toEqual(
          expect.arrayContaining(['cpu', 'memory']),
        );
        expect(container.resources?.limits).toHaveProperty('memory');
      }
    }
  });

  it('pods outlive the preStop pause plus the server shutdown delay, heap under the limit', () => {
    const server = readFileSync(new URL('../src/server.ts', import.meta.url), 'utf8');
    const delayMs = Number(
      /closeWithGrace\(\{\s*delay:\s*([\d_]+)/.exec(server)?.[1]?.replace(/_/g, ''),
    );
    expect(delayMs).toBeGreaterThan(0);
    const preStop = app.lifecycle?.preStop;
    const pause =
      preStop?.sleep?.seconds ??
      Number(/sleep (\d+)/.exec(preStop?.exec?.command?.join(' ') ?? '')?.[1] ?? 0);
    expect(pause).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(delayMs / 1000 + pause);

    const nodeOptions = app.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    const limit = /^(\d+)(Mi|Gi)$/.exec(String(app.resources?.limits?.memory));
    const limitMiB = Number(limit?.[1]) * (limit?.[2] === 'Gi' ? 1024 : 1);
    expect(heapMiB).toBeLessThanOrEqual(limitMiB * 0.75);
  });

  it('the ConfigMap and the Secret name only real configuration variables', () => {
    // The service's variables, and each connector's own (connectors/<crm>/<crm>.config.ts).
    const source = ['src/config/config.ts', ...CRM_CONFIG_FILES]
      .map((file) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'))
      .join('\n');
    const known = new Set([...source.matchAll(/^ {2,4}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]));
    expect(known).toContain('CRM_RATE_LIMIT');
    known.add('METRICS_TOKEN'); // being added to config.ts; allowed before it lands
    const names = [
      ...Object.keys(configMap.data ?? {}),
      ...Object.keys(secret.stringData ?? {}),
      ...Object.keys(commentedEntries('configmap.yaml')),
      ...Object.keys(commentedEntries(EXAMPLE_SECRET)),
    ];
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    expect(secret.data ?? {}, 'placeholders belong in stringData').toEqual({});
  });

  it('the ConfigMap with the example Secret passes the config loader, within the CRM budget', () => {
    const loaded = loadConfig(asEnv(configMap.data ?? {}, secret.stringData ?? {}));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.config.crm).toBe('hubspot');
    expect(loaded.config.adminToken).toBeDefined();
    // One budget for all replicas, split into as many parts as the Deployment runs: fewer pods
    // than parts leave budget unused, more would claim more than the window has left.
    expect(loaded.config.crmRateLimit).toBeLessThanOrEqual(HUBSPOT_BURST);
    expect(loaded.config.crmReplicas).toBe(deployment.spec?.replicas);
    // Nor during a rollout: a pod is replaced, never added first.
    expect(deployment.spec?.strategy?.rollingUpdate).toMatchObject({ maxSurge: 0 });
    expect(loaded.config.crmDailyBudget).toBeLessThan(1);
    const hosts = the(Ingress).spec?.rules?.map((rule) => rule.host);
    expect(hosts).toEqual([new URL(loaded.config.publicUrl ?? 'http://unset').host]);
  });

  it('the commented Salesforce alternative passes the config loader too', () => {
    const loaded = loadConfig(
      asEnv(
        withoutHubSpot(configMap.data),
        commentedEntries('configmap.yaml'),
        withoutHubSpot(secret.stringData),
        commentedEntries(EXAMPLE_SECRET),
      ),
    );
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.config.crm).toBe('salesforce');
    expect(loaded.config.salesforce?.auth.kind).toBe('client_credentials');
  });

  it('the CronJob posts to /reconcile with the ADMIN_TOKEN of the Secret', () => {
    const env = Object.fromEntries((cronContainer.env ?? []).map((e) => [e.name, e]));
    expect(env.RECONCILE_URL?.value).toBe(`http://${service.metadata?.name}/reconcile`);
    expect(service.spec?.ports?.[0]?.port).toBe(80);
    expect(env.ADMIN_TOKEN?.valueFrom?.secretKeyRef).toEqual({
      name: secret.metadata?.name,
      key: 'ADMIN_TOKEN',
    });
    expect(secret.stringData).toHaveProperty('ADMIN_TOKEN');
    expect(cronJob.spec?.concurrencyPolicy).toBe('Forbid');
    const script = cronContainer.args?.join(' ') ?? '';
    const maxTime = Number(/--max-time (\d+)/.exec(script)?.[1]);
    expect(cronJob.spec?.jobTemplate.spec?.activeDeadlineSeconds).toBeGreaterThan(maxTime);
  });

  const hasCurl = spawnSync('curl', ['--version']).status === 0;

  it.skipIf(!hasCurl)('the CronJob script fails on an HTTP error and on failed leads', async () => {
    let answer = { status: 200, body: '' };
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const totals = (failed: number): SweepTotals => ({
      since: '2026-11-24T10:00:00.000Z',
      ...{
        leads: 5,
        created: 2,
        completed: 0,
        closed: 0,
        reassigned: 0,
        retitled: 0,
        rescheduled: 0,
      },
      ...{ unchanged: 3 - failed, failed },
    });
    const run = (status: number, body: unknown) => {
      answer = { status, body: JSON.stringify(body) };
      return new Promise<number>((done) => {
        const env = {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          ADMIN_TOKEN: 'a'.repeat(32),
          RECONCILE_URL: `http://127.0.0.1:${port}/reconcile`,
        };
        execFile('/bin/sh', ['-c', cronContainer.args?.[0] ?? 'exit 99'], { env }, (error) =>
          done(typeof error?.code === 'number' ? error.code : error ? -1 : 0),
        );
      });
    };
    try {
      expect(await run(200, totals(0))).toBe(0);
      expect(await run(200, totals(2))).toBe(3);
      expect(await run(401, { code: 'invalid_token' })).toBe(22);
      expect(seen[0]).toBe(`POST /reconcile Bearer ${'a'.repeat(32)}`);
    } finally {
      server.close();
    }
  });
});
