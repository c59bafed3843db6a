import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTACT_PROPERTIES,
  OBJECT_TYPE_ID,
  watchedContactProperties,
} from '../../connectors/hubspot/hubspot.mapping.ts';
import {
  type CrmObjectSubscription,
  webhookSubscriptions,
  webhooksComponent,
} from '../../connectors/hubspot/hubspot.subscriptions.ts';
import { type HubSpotEvent, planDelivery } from '../../src/webhooks/hubspot-events.ts';
import {
  appSchemaFor,
  COMPONENT_DIRS,
  hsprojectSchema,
  PROJECT_PLATFORM_VERSION,
  webhooksSchema,
  webhooksSchemaFor,
} from '../support/hubspot-project.schema.ts';

const PROJECT = fileURLToPath(new URL('../../deploy/hubspot-app/', import.meta.url));
const WEBHOOKS_FILE = join('src', 'app', 'webhooks', 'webhooks-hsmeta.json');
const read = (dir: string, path: string): unknown =>
  JSON.parse(readFileSync(join(dir, path), 'utf8'));

function hsmetaFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('-hsmeta.json'),
  );
}

describe('the HubSpot app project (deploy/hubspot-app)', () => {
  it('is on platform version 2026.09 and passes its schema of hsproject.json, the app and the webhooks', () => {
    const project = hsprojectSchema.parse(read(PROJECT, 'hsproject.json'));
    expect(project.platformVersion).toBe('2026.09');
    expect(PROJECT_PLATFORM_VERSION).toBe(project.platformVersion);
    const app = appSchemaFor(project.platformVersion).parse(
      read(PROJECT, join(project.srcDir, 'app', 'app-hsmeta.json')),
    );
    expect(app.config).toMatchObject({ distribution: 'private', auth: { type: 'static' } });
    // Account-level access: the service reads and writes every owner's contacts and tasks.
    expect(app.config.isUserLevel ?? false).toBe(false);
    webhooksSchemaFor(project.platformVersion).parse(read(PROJECT, WEBHOOKS_FILE));
  });

  it('the schema follows the version: isUserLevel and component permissions only from 2026.09', () => {
    const app = read(PROJECT, join('src', 'app', 'app-hsmeta.json')) as {
      config: Record<string, unknown>;
    };
    const userLevel = structuredClone(app);
    userLevel.config.isUserLevel = false;
    expect(appSchemaFor('2026.09').safeParse(userLevel).success).toBe(true);
    expect(appSchemaFor('2026.03').safeParse(userLevel).success).toBe(false);
    const scoped = {
      ...(read(PROJECT, WEBHOOKS_FILE) as object),
      permissions: { requiredScopes: ['crm.objects.contacts.read'] },
    };
    expect(webhooksSchemaFor('2026.09').safeParse(scoped).success).toBe(true);
    expect(webhooksSchemaFor('2026.03').safeParse(scoped).success).toBe(false);
    const misspelt = { ...scoped, permissions: { requiredScope: ['crm.objects.contacts.read'] } };
    expect(webhooksSchemaFor('2026.09').safeParse(misspelt).success).toBe(false);
  });

  it('puts each component in its folder, with a uid unique in the project', () => {
    const src = join(PROJECT, 'src');
    const files = hsmetaFiles(src);
    expect(files).toHaveLength(2);
    const uids = files.map((file) => {
      const { uid, type } = read(src, file) as { uid: string; type: string };
      expect(relative('.', join(file, '..'))).toBe(COMPONENT_DIRS[type]);
      return uid;
    });
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('the schema refuses what HubSpot refuses: a misspelt field, a change without property', () => {
    const good = read(PROJECT, WEBHOOKS_FILE) as ReturnType<typeof webhooksComponent>;
    const misspelt = structuredClone(good) as unknown as { config: Record<string, unknown> };
    misspelt.config.setting = misspelt.config.settings;
    expect(webhooksSchema.safeParse(misspelt).success).toBe(false);
    const noProperty = structuredClone(good);
    noProperty.config.subscriptions.crmObjects.push({
      subscriptionType: 'object.propertyChange',
      objectType: 'contact',
      active: true,
    });
    expect(webhooksSchema.safeParse(noProperty).success).toBe(false);
    const http = webhooksComponent('http://followup.example.com/webhooks/hubspot');
    expect(webhooksSchema.safeParse(http).success).toBe(false);
  });

  it('the committed subscriptions are the ones the service declares (npm run hubspot:app)', () => {
    const file = read(PROJECT, WEBHOOKS_FILE) as ReturnType<typeof webhooksComponent>;
    expect(file).toEqual(webhooksComponent(file.config.settings.targetUrl));
  });
});

describe('npm run hubspot:app', () => {
  const run = (args: string[]) => {
    const copy = mkdtempSync(join(tmpdir(), 'hubspot-app-'));
    cpSync(join(PROJECT, 'src'), join(copy, 'src'), { recursive: true });
    const result = spawnSync(
      process.execPath,
      [join(PROJECT, 'write-app.ts'), '--project', copy, ...args],
      { encoding: 'utf8' },
    );
    const written = read(copy, WEBHOOKS_FILE);
    rmSync(copy, { recursive: true });
    return { ...result, written };
  };

  it('writes the target URL and the do-not-call subscription, and the result is valid', () => {
    const { status, written } = run([
      '--url',
      'https://leads.acme.example/',
      '--do-not-call-property',
      'do_not_call',
    ]);
    expect(status).toBe(0);
    const webhooks = webhooksSchema.parse(written);
    expect(webhooks.config.settings.targetUrl).toBe('https://leads.acme.example/webhooks/hubspot');
    expect(webhooks.config.subscriptions.crmObjects).toContainEqual({
      subscriptionType: 'object.propertyChange',
      objectType: 'contact',
      propertyName: 'do_not_call',
      active: true,
    });
  });

  it('ends with the upload command docs/hubspot.md gives, one npx can run', () => {
    const { status, stdout } = run(['--url', 'https://leads.acme.example']);
    expect(status).toBe(0);
    const next = /Next, from deploy\/hubspot-app: (.+)$/m.exec(stdout)?.[1] ?? '';
    // `@hubspot/cli` has two binaries (`hs`, `hscms`), neither named `cli`: npx runs it only
    // when told which (`--package=… hs`); `npx @hubspot/cli …` cannot pick one and fails.
    const command = /^npx --yes --package=(@hubspot\/cli@(\d+)\.(\d+)\.\d+) hs project upload$/;
    const [, spec = '', major = '0', minor = '0'] = command.exec(next) ?? [];
    expect(next).toMatch(command);
    // The CLI's parser knows platform version 2026.09 from @hubspot/cli 8.14.0 on; earlier 8.x
    // stop with "Unsupported platform version: '2026.09'". A range (`@8`) would let npx reuse an
    // older 8.x from its cache, so the version is exact.
    expect(Number(major) * 1000 + Number(minor)).toBeGreaterThanOrEqual(8014);
    const guide = readFileSync(new URL('../../docs/hubspot.md', import.meta.url), 'utf8');
    expect(guide).toContain(next);
    // Every CLI command the guide gives runs the same version.
    const specs = new Set(guide.match(/@hubspot\/cli@[\w.^~-]+/g));
    expect([...specs]).toEqual([spec]);
  });

  it('refuses a plain-http URL or a property name HubSpot could not have, and writes nothing', () => {
    const before = read(PROJECT, WEBHOOKS_FILE);
    for (const args of [
      ['--url', 'http://leads.acme.example'],
      ['--url', 'https://leads.acme.example', '--do-not-call-property', 'Do Not Call'],
    ]) {
      const { status, stderr, written } = run(args);
      expect(status).toBe(1);
      expect(stderr).toMatch(/--url|--do-not-call-property/);
      expect(written).toEqual(before);
    }
  });
});

/** An event as HubSpot delivers it for a subscription (generic format, objectTypeId). */
function eventFor(subscription: CrmObjectSubscription): HubSpotEvent {
  return {
    type: subscription.subscriptionType,
    objectId: '501',
    objectTypeId: OBJECT_TYPE_ID[subscription.objectType],
    propertyName: subscription.propertyName,
    ...(subscription.subscriptionType === 'object.merge'
      ? { primaryObjectId: '501', newObjectId: '502' }
      : {}),
  };
}

/**
 * What the service must hear about, derived from what the connector reads: every contact
 * property but the two that cannot change a decision, a task's status, new calls and their
 * outcomes, new emails (replies), and merges.
 */
function needed(doNotCallProperty?: string): CrmObjectSubscription[] {
  const decisionless = new Set(['email', 'createdate']);
  const contact = [...CONTACT_PROPERTIES, ...(doNotCallProperty ? [doNotCallProperty] : [])];
  const on = (
    subscriptionType: CrmObjectSubscription['subscriptionType'],
    objectType: CrmObjectSubscription['objectType'],
    propertyName?: string,
  ) => ({ subscriptionType, objectType, ...(propertyName ? { propertyName } : {}), active: true });
  return [
    on('object.creation', 'contact'),
    on('object.merge', 'contact'),
    ...contact
      .filter((p) => !decisionless.has(p))
      .map((p) => on('object.propertyChange', 'contact', p)),
    on('object.propertyChange', 'task', 'hs_task_status'),
    on('object.creation', 'call'),
    on('object.propertyChange', 'call', 'hs_call_disposition'),
    on('object.creation', 'email'),
  ];
}

describe('subscriptions and the webhook route agree', () => {
  for (const dnc of [undefined, 'do_not_call']) {
    const label = dnc ? ' (with a do-not-call property)' : '';
    const subscriptions = webhookSubscriptions(dnc);
    const watched = new Set(watchedContactProperties(dnc));

    it(`every subscribed event is acted on by the route${label}`, () => {
      for (const subscription of subscriptions) {
        const plan = planDelivery([eventFor(subscription)], watched);
        expect(plan.ignored, JSON.stringify(subscription)).toEqual([]);
      }
    });

    it(`every event the service needs is subscribed${label}`, () => {
      for (const need of needed(dnc)) expect(subscriptions).toContainEqual(need);
    });
  }

  it('events nobody subscribed to are acknowledged and ignored, not acted on', () => {
    const watched = new Set(watchedContactProperties());
    const unsubscribed: CrmObjectSubscription[] = [
      { subscriptionType: 'object.creation', objectType: 'task', active: true },
      {
        subscriptionType: 'object.propertyChange',
        objectType: 'contact',
        propertyName: 'email',
        active: true,
      },
    ];
    for (const subscription of unsubscribed) {
      expect(webhookSubscriptions()).not.toContainEqual(subscription);
      expect(planDelivery([eventFor(subscription)], watched).ignored).toHaveLength(1);
    }
  });
});
