import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CrmConnector } from '../../connectors/crm-connector.port.ts';
import type { Cadence } from '../engine/types.ts';
import { hasBasicPassword, hasBearer, requireAdminToken, requireBearer } from '../http/bearer.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendPage } from '../http/html.ts';
import { note } from '../http/request-log.ts';
import {
  type AttemptsReport,
  attemptsReportCsv,
  attemptsReportHtml,
  buildAttemptsReport,
  cadenceCap,
} from '../reports/attempts-report.ts';
import { collectAttempts, WindowTooLarge } from '../reports/collect.ts';

export interface ReportsRoutesOptions {
  /** Unset: the reports answer 404 `admin_disabled`. */
  readonly adminToken: string | undefined;
  readonly connector: CrmConnector;
  readonly cadence: Cadence;
  readonly now: () => number;
  /** How long one report may read the CRM before it answers 422 `window_too_large`. */
  readonly timeoutMs: number;
}

const DAY_MS = 86_400_000;
/** The default window: the leads of the last 30 days. */
const DEFAULT_DAYS = 30;
/** A year of leads at most: beyond it the curve says more about the market than the team. */
const MAX_DAYS = 366;
const REALM = 'lead-followup reports';

const query = z
  .object({
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    marginal: z.coerce
      .number()
      .gt(0, 'must be above 0')
      .max(0.5, 'must be at most 0.5 (50 percentage points)')
      .optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict();

export async function reportsRoutes(app: FastifyInstance, options: ReportsRoutesOptions) {
  const { adminToken, connector, cadence, now, timeoutMs } = options;
  const cap = cadenceCap(cadence);

  function authorize(request: FastifyRequest, reply: FastifyReply, browser: boolean): void {
    requireAdminToken(adminToken, 'The reports are off: set ADMIN_TOKEN to use them');
    if (!browser) {
      requireBearer(request, adminToken, 'ADMIN_TOKEN');
      return;
    }
    if (hasBearer(request, adminToken) || hasBasicPassword(request, adminToken)) return;
    // A browser asks for the token itself (any user name, the token as password).
    reply.header('www-authenticate', `Basic realm="${REALM}", charset="UTF-8"`);
    throw new HttpError(
      401,
      'invalid_token',
      'Sign in with any user name and ADMIN_TOKEN as the password, or send Authorization: Bearer <ADMIN_TOKEN>',
    );
  }

  async function report(
    request: FastifyRequest,
  ): Promise<{ built: AttemptsReport; format: 'json' | 'csv' | undefined }> {
    const input = parseInput(query, request.query, 'query');
    const at = now();
    const until = input.until === undefined ? at : Date.parse(input.until);
    const since =
      input.since === undefined ? until - DEFAULT_DAYS * DAY_MS : Date.parse(input.since);
    if (since >= until || since > at) {
      throw new HttpError(
        400,
        'invalid_window',
        'since must be before until, and not in the future',
      );
    }
    if (until - since > MAX_DAYS * DAY_MS) {
      throw new HttpError(400, 'invalid_window', `The window may span at most ${MAX_DAYS} days`);
    }
    const window = { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
    note(request, window);
    try {
      const leads = await collectAttempts(connector, window.since, window.until, timeoutMs);
      const built = buildAttemptsReport(leads, {
        ...window,
        cap,
        ...(input.marginal === undefined ? {} : { marginal: input.marginal }),
      });
      note(request, { leads: built.leads, reached: built.reached });
      return { built, format: input.format };
    } catch (error) {
      if (!(error instanceof WindowTooLarge)) throw error;
      const seconds = Math.round(timeoutMs / 1000);
      throw new HttpError(
        422,
        'window_too_large',
        `The window holds more leads than the CRM can return within ${seconds} s (${error.leadsRead} read so far, at CRM_RATE_LIMIT): ask for a shorter window and combine the results, or raise REPORT_TIMEOUT_MS`,
      );
    }
  }

  app.get('/reports/attempts', async (request, reply) => {
    authorize(request, reply, false);
    const { built, format } = await report(request);
    if (format !== 'csv') return built;
    const name = `attempts-${built.window.since.slice(0, 10)}-${built.window.until.slice(0, 10)}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(attemptsReportCsv(built));
  });

  app.get('/reports/attempts.html', async (request, reply) => {
    authorize(request, reply, true);
    const { built } = await report(request);
    return sendPage(reply, attemptsReportHtml(built, { sandbox: connector.name === 'sandbox' }));
  });
}
