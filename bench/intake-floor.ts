/**
 * The floor of the intake benchmark: the least any HubSpot webhook receiver must do. One bare
 * Fastify route checks the v3 signature with the service's own check, makes one CRM call (a
 * batch read of the contacts the events name, with the properties the service reads) through
 * the same global `fetch` the HubSpot SDK uses, and answers 200. Started as its own process by
 * `bench/intake.bench.ts`; configured by PORT, HUBSPOT_API_BASE_URL, HUBSPOT_ACCESS_TOKEN,
 * HUBSPOT_CLIENT_SECRET and PUBLIC_URL.
 *
 * `INTAKE_FLOOR=same-requests` makes it send the CRM requests the service sends for new
 * contacts, in the same three round trips, with plain `fetch` and `JSON.stringify` and no
 * decision: the contacts and their tasks, calls and emails side by side, the two creates of a
 * call and an email task per contact (the service's properties and guidance text) side by
 * side, then the read of the contacts' tasks that checks for twins. Issue 18's floor is "a bare
 * route doing the same signature check and CRM round trips"; the default floor makes one.
 */
import Fastify from 'fastify';
import { markerLine } from '../connectors/crm-mapping.ts';
import { CONTACT_PROPERTIES, TASK_TO_CONTACT } from '../connectors/hubspot/hubspot.mapping.ts';
import { hubspotPath } from '../connectors/hubspot/hubspot.rest.ts';
import { researchCadence } from '../src/cadence/research-cadence.ts';
import { verifyHubSpotSignature } from '../src/webhooks/hubspot-signature.ts';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`intake floor: ${name} is required`);
  return value;
};
const port = Number(env('PORT'));
const apiBaseUrl = env('HUBSPOT_API_BASE_URL');
const token = env('HUBSPOT_ACCESS_TOKEN');
const secret = env('HUBSPOT_CLIENT_SECRET');
const publicUrl = env('PUBLIC_URL');

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

const sameRequests = process.env.INTAKE_FLOOR === 'same-requests';

async function post(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${apiBaseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const read = await response.json();
  if (!response.ok) throw new Error(`CRM answered ${response.status}`);
  return read;
}

const readContacts = (ids: readonly string[]) =>
  post(hubspotPath.objects('contacts', '/batch/read'), {
    inputs: ids.map((id) => ({ id })),
    properties: CONTACT_PROPERTIES,
    propertiesWithHistory: [],
  }) as Promise<{ results?: unknown[] }>;
const readLinks = (ids: readonly string[], to: string) =>
  post(hubspotPath.associations('contacts', to, '/batch/read'), {
    inputs: ids.map((id) => ({ id })),
  });

const [CALL, EMAIL] = researchCadence.steps;
/** A new call or email task as the service writes it: the same properties, text and link. */
function newTask(contactId: string, channel: 'call' | 'email', step: number, due: string) {
  const guidance = (channel === 'call' ? CALL : EMAIL)?.guidance ?? '';
  const marker = markerLine(channel, `${contactId}:${researchCadence.id}:${step}`);
  return {
    properties: {
      hs_task_type: channel === 'call' ? 'CALL' : 'EMAIL',
      hs_task_subject: `${channel === 'call' ? 'Call 1 of 6' : 'Email 1 of 5'} — Contact ${contactId}`,
      hs_task_body: `<p>${guidance}</p><p>${marker}</p>`,
      hs_timestamp: due,
      hs_task_reminders: String(Date.parse(due)),
      hs_task_priority: channel === 'call' ? 'HIGH' : 'MEDIUM',
      hs_task_status: 'NOT_STARTED',
    },
    associations: [
      {
        to: { id: contactId },
        types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TASK_TO_CONTACT }],
      },
    ],
  };
}

/** The service's requests for new contacts, in its three round trips. */
async function sameAsService(ids: readonly string[]): Promise<number> {
  const [read] = await Promise.all([
    readContacts(ids),
    readLinks(ids, 'tasks'),
    readLinks(ids, 'calls'),
    readLinks(ids, 'emails'),
  ]);
  const due = new Date().toISOString();
  const calls = ids.map((id) => newTask(id, 'call', 1, due));
  const emails = ids.map((id) => newTask(id, 'email', 2, due));
  await Promise.all(
    [calls, emails].map((inputs) =>
      post(hubspotPath.objects('tasks', '/batch/create'), { inputs }),
    ),
  );
  await readLinks(ids, 'tasks');
  return read.results?.length ?? 0;
}

app.post('/webhooks/hubspot', async (request, reply) => {
  const body = request.body as Buffer;
  const signed = verifyHubSpotSignature(
    { method: request.method, uri: `${publicUrl}${request.url}`, body, headers: request.headers },
    secret,
    Date.now(),
  );
  if (!signed.ok) return reply.code(401).send({ code: signed.code });
  const events = JSON.parse(body.toString('utf8')) as { objectId: number }[];
  const ids = events.map((e) => String(e.objectId));
  try {
    const found = sameRequests
      ? await sameAsService(ids)
      : ((await readContacts(ids)).results?.length ?? 0);
    return { events: events.length, found };
  } catch (error) {
    return reply.code(502).send({ error: String(error) });
  }
});

app.get('/readyz', async () => ({ status: 'ready' }));

await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
