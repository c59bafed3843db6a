import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CrmConnector } from '../../connectors/crm-connector.port.ts';
import { CrmError } from '../../connectors/crm-connector.port.ts';
import {
  isLeadId,
  SALESFORCE_ID,
  sameRecord,
  to18,
} from '../../connectors/salesforce/salesforce-id.ts';
import { hasBearer } from '../http/bearer.ts';
import { type DeadlineOptions, withinDeadline } from '../http/deadline.ts';
import { HttpError, parseInput, requestErrorCode, setRetryAfter } from '../http/errors.ts';
import { decodeUtf8, keepBodiesRaw, parseJsonBody, rawBody } from '../http/raw-body.ts';
import { type FollowUpPipeline, firstRefusal, totalsOf } from '../pipeline/follow-up.pipeline.ts';
import { OUTBOUND_ACK, parseOutboundMessage, soapFault } from '../webhooks/salesforce-outbound.ts';

export interface SalesforceWebhookOptions {
  readonly orgId: string;
  /** Bearer token of Flow / Apex callouts; unset refuses them. */
  readonly webhookToken?: string | undefined;
  readonly connector: CrmConnector;
  readonly pipeline: FollowUpPipeline;
  readonly deadline: DeadlineOptions;
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

const isXml = (request: FastifyRequest) =>
  /\b(text\/xml|application\/soap\+xml)\b/i.test(request.headers['content-type'] ?? '');

export async function salesforceWebhookRoutes(
  app: FastifyInstance,
  options: SalesforceWebhookOptions,
) {
  const { orgId, webhookToken, connector, pipeline, deadline } = options;
  keepBodiesRaw(app);

  // Outbound Messages speak SOAP: their errors are SOAP faults (with the same stable codes).
  app.setErrorHandler((error, request, reply) => {
    if (!isXml(request)) throw error;
    if (error instanceof HttpError) {
      request.log.info({ code: error.code }, error.message);
      setRetryAfter(reply, error);
      // 429 and 503 are ours, not the message's fault: Salesforce delivers it again.
      const side = error.retryAfterSeconds === undefined ? 'Client' : 'Server';
      return soapReply(reply, error.statusCode, soapFault(side, error.code, error.message));
    }
    if (error instanceof CrmError) {
      request.log.error({ code: error.code, err: error }, 'CRM call failed');
      // Any failure makes Salesforce deliver the message again later; 503 says "try again".
      setRetryAfter(reply, error);
      const status = error.retryable ? 503 : 502;
      return soapReply(reply, status, soapFault('Server', error.code, error.message));
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify refused the request before the route ran (size, media type, encoding).
      const code = requestErrorCode(error as { code?: string });
      request.log.info({ code, reason: (error as Error).message }, 'bad request');
      return soapReply(reply, status, soapFault('Client', code, (error as Error).message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return soapReply(
      reply,
      500,
      soapFault('Server', 'internal_error', 'Internal error; see the service logs'),
    );
  });

  function soapReply(reply: FastifyReply, status: number, xml: string) {
    return reply.code(status).header('content-type', 'text/xml; charset=utf-8').send(xml);
  }

  /** Re-decides the leads named and those of the tasks named; throws a refusal after writing. */
  async function reconcile(leadIds: string[], taskIds: string[], request: FastifyRequest) {
    const outcomes = await withinDeadline(request, deadline, async () => {
      const fromTasks =
        taskIds.length > 0
          ? await connector.leadsOfActivities(taskIds.map((id) => ({ kind: 'task' as const, id })))
          : [];
      const ids = [...new Set([...leadIds, ...fromTasks].map(to18))];
      return ids.length > 0 ? await pipeline.reconcile(ids, request.log) : [];
    });
    const refused = firstRefusal(outcomes);
    if (refused) throw refused;
    return totalsOf(outcomes);
  }

  app.post('/webhooks/salesforce', async (request, reply) => {
    const raw = rawBody(request);
    if (isXml(request)) {
      const parsed = parseOutboundMessage(decodeUtf8(raw));
      if (!parsed.ok)
        throw new HttpError(400, parsed.code, `Not a valid outbound message: ${parsed.reason}`);
      const { message } = parsed;
      if (
        !SALESFORCE_ID.test(message.organizationId) ||
        !sameRecord(message.organizationId, orgId)
      ) {
        request.log.warn(
          { organizationId: message.organizationId },
          'outbound message from another org refused',
        );
        throw new HttpError(
          403,
          'wrong_organization',
          'This service does not serve that Salesforce org',
        );
      }
      const leadIds: string[] = [];
      const taskIds: string[] = [];
      const ignored: string[] = [];
      for (const n of message.notifications) {
        const id = n.fields.Id ?? '';
        const whoId = n.fields.WhoId ?? '';
        if (n.objectType === 'Lead' && SALESFORCE_ID.test(id)) leadIds.push(id);
        else if (n.objectType === 'Task' && SALESFORCE_ID.test(whoId) && isLeadId(whoId))
          leadIds.push(whoId);
        else if (n.objectType === 'Task' && SALESFORCE_ID.test(id) && whoId === '')
          taskIds.push(id);
        else ignored.push(`${n.objectType}:${id}`);
      }
      const totals = await reconcile(leadIds, taskIds, request);
      request.log.info(
        {
          notifications: message.notifications.length,
          actionId: message.actionId,
          ...totals,
          ignored,
        },
        'Salesforce outbound message handled',
      );
      return soapReply(reply, 200, OUTBOUND_ACK);
    }
    if (!/\bapplication\/json\b/i.test(request.headers['content-type'] ?? '')) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        'Send text/xml (outbound message) or application/json (callout)',
      );
    }
    if (!hasBearer(request, webhookToken)) {
      request.log.warn(
        { hasToken: request.headers.authorization !== undefined },
        'Salesforce callout refused',
      );
      throw new HttpError(
        401,
        'invalid_token',
        'A valid Authorization: Bearer <SALESFORCE_WEBHOOK_TOKEN> is required',
      );
    }
    const body = parseInput(calloutSchema, parseJsonBody(raw), 'Salesforce callout');
    const totals = await reconcile(body.leadIds, body.taskIds, request);
    request.log.info({ ...totals }, 'Salesforce callout handled');
    return totals;
  });
}
