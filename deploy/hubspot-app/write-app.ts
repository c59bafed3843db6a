/**
 * Writes the service's address (and the admin's do-not-call property, if any) into the HubSpot
 * app project, so nobody edits JSON by hand:
 *
 *   npm run hubspot:app -- --url https://followup.example.com [--do-not-call-property do_not_call]
 *
 * `--url` is the service's PUBLIC_URL; the webhook target is `<url>/webhooks/hubspot`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { propertyName } from '../../connectors/hubspot/hubspot.config.ts';
import { webhooksComponent } from '../../connectors/hubspot/hubspot.subscriptions.ts';
import { baseUrl } from '../../src/config/variables.ts';

const WEBHOOK_PATH = '/webhooks/hubspot';
/**
 * `@hubspot/cli` ships two binaries (`hs`, `hscms`), neither named after the package, so a bare
 * `npx @hubspot/cli …` stops with "could not determine executable to run": name the binary.
 * The version is exact: 8.14.0 knows platform version 2026.09, the 8.x releases checked before
 * it (8.6.0-8.12.0) stop with "Unsupported platform version", and a range would let npx reuse an
 * older copy from its cache (docs/hubspot.md, "Developer platform version").
 */
const UPLOAD_COMMAND = 'npx --yes --package=@hubspot/cli@8.14.0 hs project upload';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'do-not-call-property': { type: 'string' },
    project: { type: 'string', default: import.meta.dirname },
  },
});

const url = baseUrl.safeParse(values.url ?? '');
if (!url.success || !url.data.startsWith('https://')) {
  fail("--url must be the service's public https URL, e.g. --url https://followup.example.com");
}
const publicUrl = url.data.endsWith(WEBHOOK_PATH)
  ? url.data.slice(0, -WEBHOOK_PATH.length)
  : url.data;
const dnc = values['do-not-call-property'];
if (dnc !== undefined && !propertyName.safeParse(dnc).success) {
  fail('--do-not-call-property must be the internal name of a contact property, e.g. do_not_call');
}

const file = join(values.project, 'src', 'app', 'webhooks', 'webhooks-hsmeta.json');
const component = webhooksComponent(`${publicUrl}${WEBHOOK_PATH}`, dnc);
writeFileSync(file, `${JSON.stringify(component, null, 2)}\n`);
process.stdout.write(
  `Wrote ${file}: target ${component.config.settings.targetUrl}, ` +
    `${component.config.subscriptions.crmObjects.length} subscriptions. ` +
    `Next, from deploy/hubspot-app: ${UPLOAD_COMMAND}\n`,
);
