/**
 * The floor of the intake benchmark: the least any HubSpot webhook receiver must do. One bare
 * Fastify route checks the v3 signature with the service's own check, makes one CRM call (a
 * batch read of the contacts the events name, with the properties the service reads) through
 * the same global `fetch` the HubSpot SDK uses, and answers 200. Started as its own process by
 * `bench/intake.bench.ts`; configured by PORT, HUBSPOT_API_BASE_URL, HUBSPOT_ACCESS_TOKEN,
 * HUBSPOT_CLIENT_SECRET and PUBLIC_URL.
 */
import Fastify from 'fastify';
import { CONTACT_PROPERTIES } from '../connectors/hubspot/hubspot.mapping.ts';
import { hubspotPath } from '../connectors/hubspot/hubspot.rest.ts';
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

app.post('/webhooks/hubspot', async (request, reply) => {
  const body = request.body as Buffer;
  const signed = verifyHubSpotSignature(
    { method: request.method, uri: `${publicUrl}${request.url}`, body, headers: request.headers },
    secret,
    Date.now(),
  );
  if (!signed.ok) return reply.code(401).send({ code: signed.code });
  const events = JSON.parse(body.toString('utf8')) as { objectId: number }[];
  const response = await fetch(`${apiBaseUrl}${hubspotPath.objects('contacts', '/batch/read')}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      inputs: events.map((e) => ({ id: String(e.objectId) })),
      properties: CONTACT_PROPERTIES,
      propertiesWithHistory: [],
    }),
  });
  const read = (await response.json()) as { results?: unknown[] };
  if (!response.ok) return reply.code(502).send({ crmStatus: response.status });
  return { events: events.length, found: read.results?.length ?? 0 };
});

app.get('/readyz', async () => ({ status: 'ready' }));

await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
