import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, parseInput } from '../http/errors.ts';
import { mediaTypeOf, parseJsonBody, rawBody } from '../http/raw-body.ts';
import { countEvents, note } from '../http/request-log.ts';
import { type HubSpotEvent, planDelivery } from '../webhooks/hubspot-events.ts';
import { signatureHeaders, verifyHubSpotSignature } from '../webhooks/hubspot-signature.ts';
import { replayGuard } from '../webhooks/replay-guard.ts';
import { type DeliveryOptions, handleDelivery, webhookScope } from './delivery.ts';

export interface HubSpotWebhookOptions extends DeliveryOptions {
  readonly clientSecret: string;
  /** The service's base URL as HubSpot calls it; signatures cover the full URI. */
  readonly publicUrl: string;
  readonly now: () => number;
  /** Contact properties whose change re-decides the contact; others are acknowledged. */
  readonly watchedProperties: ReadonlySet<string>;
  /** Accept v1/v2 signatures, which can be replayed (`HUBSPOT_LEGACY_SIGNATURES`). */
  readonly legacySignatures?: boolean;
}

const id = z.union([
  z.number().int().nonnegative().transform(String),
  z.string().regex(/^\d{1,20}$/, 'must be a numeric id'),
]);

const eventSchema = z
  .object({
    subscriptionType: z.string().max(100).optional(),
    // HubSpot's reference names the field `eventType`; deliveries use `subscriptionType`.
    eventType: z.string().max(100).optional(),
    objectId: id,
    objectTypeId: z.string().max(20).optional(),
    propertyName: z.string().max(500).optional(),
    eventId: z.union([z.number(), z.string().max(100)]).optional(),
    attemptNumber: z.number().int().nonnegative().optional(),
    occurredAt: z.number().optional(),
    portalId: z.number().optional(),
    primaryObjectId: id.optional(),
    newObjectId: id.optional(),
    mergedObjectIds: z.array(id).max(1000).optional(),
  })
  .refine((e) => (e.subscriptionType ?? e.eventType) !== undefined, {
    message: 'subscriptionType is required',
    path: ['subscriptionType'],
  })
  .transform((e): HubSpotEvent => ({ ...e, type: e.subscriptionType ?? e.eventType ?? '' }));

/** HubSpot sends at most 100 events per request; a little headroom, no unbounded work. */
const deliverySchema = z.array(eventSchema).max(1000);

const notHubSpot = (failed: { code: string; reason: string }) =>
  new HttpError(401, failed.code, `Not a valid HubSpot webhook request: ${failed.reason}`);

export async function hubspotWebhookRoutes(app: FastifyInstance, options: HubSpotWebhookOptions) {
  const { clientSecret, publicUrl, now, legacySignatures: legacy = false } = options;
  if (legacy) {
    app.log.warn(
      'HUBSPOT_LEGACY_SIGNATURES is on: v1/v2-signed deliveries are accepted, and they carry no timestamp, so a captured one can be replayed forever',
    );
  }
  const versions = new WeakMap<FastifyRequest, string>();
  const onceKeys = new WeakMap<FastifyRequest, { key: string; until: number }>();
  const replays = replayGuard({ now });
  // The signature's headers are checked before the body is read, the signature over the raw
  // bytes once they are in, and the JSON parsed only after both.
  webhookScope(app, 'hubspot', options, {
    authenticate(request) {
      const found = signatureHeaders(request.headers, now(), { legacy });
      if (!found.ok) throw notHubSpot(found);
    },
    verifyBody(request) {
      const signed = verifyHubSpotSignature(
        {
          method: request.method,
          uri: `${publicUrl}${request.url}`,
          body: rawBody(request),
          headers: request.headers,
        },
        clientSecret,
        now(),
        { legacy },
      );
      if (!signed.ok) throw notHubSpot(signed);
      versions.set(request, signed.version);
      if (signed.once) onceKeys.set(request, signed.once);
    },
  });

  app.post('/webhooks/hubspot', async (request) => {
    if (mediaTypeOf(request) !== 'application/json') {
      throw new HttpError(415, 'unsupported_media_type', 'HubSpot deliveries are application/json');
    }
    const work = async () => {
      const raw = rawBody(request);
      const events = parseInput(deliverySchema, parseJsonBody(raw), 'HubSpot webhook events');
      const plan = planDelivery(events, options.watchedProperties);
      const about = {
        ignored: plan.ignored.length,
        signature: versions.get(request),
        attempt: Math.max(0, ...events.map((e) => e.attemptNumber ?? 0)),
      };
      note(request, { events: events.length, ...about, ignoredEvents: plan.ignored.slice(0, 20) });
      const totals = await handleDelivery(request, options, plan, {
        source: 'hubspot',
        events: countEvents(
          events.map((e) => e.type),
          plan.ignored.map((e) => e.type),
        ),
      });
      return { events: events.length, ...totals, ...about };
    };
    const once = onceKeys.get(request);
    if (!once) return work();
    // The same signed request again (a replay, or the same bytes resent) reads nothing.
    const { answer, replayed } = await replays.once(once.key, once.until, work);
    if (replayed) note(request, { replayed: true });
    return answer;
  });
}
