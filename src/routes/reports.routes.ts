import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CrmConnector } from '../../connectors/crm-connector.port.ts';
import type { Cadence } from '../engine/types.ts';
import { hasBearer } from '../http/bearer.ts';
import { HttpError, parseInput } from '../http/errors.ts';
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

/** `Authorization: Basic` with the admin token as password: what a browser sends after a prompt. */
function hasBasic(request: FastifyRequest, expected: string): boolean {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (encoded === undefined) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return decoded.includes(':') && timingSafeEqual(digest(password), digest(expected));
}

export async function reportsRoutes(app: FastifyInstance, options: ReportsRoutesOptions) {
  const { adminToken, connector, cadence, now, timeoutMs } = options;

  function authorize(request: FastifyRequest, reply: FastifyReply, browser: boolean): void {
    if (adminToken === undefined) {
      throw new HttpError(
        404,
        'admin_disabled',
        'The reports are off: set ADMIN_TOKEN to use them',
      );
    }
    if (hasBearer(request, adminToken) || (browser && hasBasic(request, adminToken))) return;
    // A browser asks for the token itself (any user name, the token as password).
    if (browser) reply.header('www-authenticate', `Basic realm="${REALM}", charset="UTF-8"`);
    throw new HttpError(
      401,
      'invalid_token',
      browser
        ? 'Sign in with any user name and ADMIN_TOKEN as the password, or send Authorization: Bearer <ADMIN_TOKEN>'
        : 'A valid Authorization: Bearer <ADMIN_TOKEN> is required',
    );
  }

  async function report(request: FastifyRequest): Promise<AttemptsReport> {
    const input = parseInput(query, request.query, 'query');
    const until = input.until === undefined ? now() : Date.parse(input.until);
    const since =
      input.since === undefined ? until - DEFAULT_DAYS * DAY_MS : Date.parse(input.since);
    if (since >= until || since > now()) {
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
        cap: cadenceCap(cadence),
        ...(input.marginal === undefined ? {} : { marginal: input.marginal }),
      });
      note(request, { leads: built.leads, reached: built.reached });
      return built;
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
    const format = (request.query as { format?: unknown }).format;
    const built = await report(request);
    if (format !== 'csv') return built;
    const name = `attempts-${built.window.since.slice(0, 10)}-${built.window.until.slice(0, 10)}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(attemptsReportCsv(built));
  });

  app.get('/reports/attempts.html', async (request, reply) => {
    authorize(request, reply, true);
    const built = await report(request);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(attemptsReportHtml(built));
  });
}
