import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SALESFORCE_ID, sameRecord, to18 } from '../../connectors/salesforce/salesforce-id.ts';
import { requireBearer, requireQueryToken } from '../http/bearer.ts';
import { answerFor, HttpError, parseInput, sendAnswer } from '../http/errors.ts';
import { decodeUtf8, mediaTypeOf, parseJsonBody, rawBody } from '../http/raw-body.ts';
import { countEvents, note } from '../http/request-log.ts';
import {
  OUTBOUND_ACK,
  parseOutboundMessage,
  planOutbound,
  soapFault,
} from '../webhooks/salesforce-outbound.ts';
import { type DeliveryOptions, handleDelivery, webhookScope } from './delivery.ts';

export interface SalesforceWebhookOptions extends DeliveryOptions {
  readonly orgId: string;
  /** Bearer token of Flow / Apex callouts; unset refuses them. */
  readonly webhookToken?: string | undefined;
  /** `?token=` of the outbound-message endpoint URL; unset refuses outbound messages. */
  readonly outboundToken?: string | undefined;
}

const recordId = z.string().regex(SALESFORCE_ID, 'must be a 15- or 18-character Salesforce id');

/** The JSON body a Flow HTTP callout or Apex sends. */
const calloutSchema = z
  .object({
    leadIds: z.array(recordId).max(200).default([]),
    taskIds: z.array(recordId).max(200).default([]),
  })
  .strict()
  .refine((b) => b.leadIds.length + b.taskIds.length > 0, 'give at least one of leadIds, taskIds');

const SOAP_TYPE = 'text/xml; charset=utf-8';

/** Outbound messages are SOAP 1.1 (`text/xml`); the exact media type decides, not a substring. */
const isOutbound = (request: FastifyRequest) =>
  ['text/xml', 'application/soap+xml'].includes(mediaTypeOf(request));

export async function salesforceWebhookRoutes(
  app: FastifyInstance,
  options: SalesforceWebhookOptions,
) {
  const { orgId, webhookToken, outboundToken } = options;
  if (outboundToken === undefined) {
    app.log.warn('SALESFORCE_OUTBOUND_TOKEN is unset: outbound messages are refused (401)');
  }
  // Each path authenticates before its body is read: outbound messages by the token in their
  // endpoint URL (they cannot carry a header of ours), callouts by their bearer token.
  webhookScope(app, 'salesforce', options, {
    authenticate(request) {
      if (isOutbound(request)) {
        note(request, { kind: 'outbound message' });
        requireQueryToken(request, outboundToken, 'SALESFORCE_OUTBOUND_TOKEN');
      } else if (mediaTypeOf(request) === 'application/json') {
        note(request, { kind: 'callout', hasToken: request.headers.authorization !== undefined });
        requireBearer(request, webhookToken, 'SALESFORCE_WEBHOOK_TOKEN');
      } else {
        throw new HttpError(
          415,
          'unsupported_media_type',
          'Send text/xml (outbound message) or application/json (callout)',
        );
      }
    },
  });

  // Outbound Messages speak SOAP: their errors are SOAP faults (with the same stable codes).
  // A CRM rate limit is a 503 here too: Salesforce retries on any failure, Retry-After is a hint.
  app.setErrorHandler((error, request, reply) => {
    if (!isOutbound(request)) throw error;
    const answer = answerFor(error, request, { rateLimitStatus: 503 });
    // Ours to fix, not the message's: Salesforce delivers it again.
    const side =
      answer.status >= 500 || answer.retryAfterSeconds !== undefined ? 'Server' : 'Client';
    reply.header('content-type', SOAP_TYPE);
    return sendAnswer(reply, answer, soapFault(side, answer.code, answer.message));
  });

  function soapReply(reply: FastifyReply, status: number, xml: string) {
    return reply.code(status).header('content-type', SOAP_TYPE).send(xml);
  }

  app.post('/webhooks/salesforce', async (request, reply) => {
    const raw = rawBody(request);
    if (isOutbound(request)) {
      const parsed = parseOutboundMessage(decodeUtf8(raw));
      if (!parsed.ok)
        throw new HttpError(400, parsed.code, `Not a valid outbound message: ${parsed.reason}`);
      const { message } = parsed;
      note(request, {
        notifications: message.notifications.length,
        actionId: message.actionId,
        organizationId: message.organizationId,
      });
      if (
        !SALESFORCE_ID.test(message.organizationId) ||
        !sameRecord(message.organizationId, orgId)
      ) {
        throw new HttpError(
          403,
          'wrong_organization',
          'This service does not serve that Salesforce org',
        );
      }
      const plan = planOutbound(message);
      note(request, { ignored: plan.ignored });
      await handleDelivery(request, options, plan, {
        source: 'salesforce',
        events: countEvents(
          message.notifications.map((n) => n.objectType),
          plan.ignored.map((ignored) => ignored.split(':')[0] ?? ignored),
        ),
        normalizeId: to18,
      });
      return soapReply(reply, 200, OUTBOUND_ACK);
    }
    const body = parseInput(calloutSchema, parseJsonBody(raw), 'Salesforce callout');
    const activities = body.taskIds.map((id) => ({ kind: 'task' as const, id }));
    const totals = await handleDelivery(
      request,
      options,
      { leadIds: body.leadIds, activities },
      {
        source: 'salesforce',
        events: countEvents(
          [...body.leadIds.map(() => 'Lead'), ...body.taskIds.map(() => 'Task')],
          [],
        ),
        normalizeId: to18,
      },
    );
    return totals;
  });
}
