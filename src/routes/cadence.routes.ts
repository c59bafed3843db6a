import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { LegalStretches } from '../cadence/preview-chart.ts';
import { type PreviewPage, previewPageHtml } from '../cadence/preview-html.ts';
import { leadPlace, leadStretches } from '../engine/lead-window.ts';
import { timeline } from '../engine/timeline.ts';
import type { Cadence, CallingRule, Schedule } from '../engine/types.ts';
import type { CpuBudget } from '../http/cpu-budget.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendPage } from '../http/html.ts';
import { resolveLead } from '../timezone/lead-jurisdiction.ts';
import { ianaZone } from '../timezone/zone-name.ts';
import { describeWindow } from './lead-window-view.ts';

/** Years a lead can arrive in: outside them a date is a typo, and luxon prints `+010000-…`. */
const YEARS = { from: 2000, to: 2100 } as const;
const ARRIVAL_RULE = `must be an ISO 8601 date and time with an offset or Z (e.g. 2026-11-24T10:00:00-05:00), in the years ${YEARS.from} to ${YEARS.to - 1}`;

/** When the lead arrived: a zone-less time would be read in the server's zone, so none is taken. */
const arrival = z.iso.datetime({ offset: true, error: ARRIVAL_RULE }).refine((text) => {
  const year = new Date(text).getUTCFullYear();
  // Text that is no date at all has its issue from the format check already.
  return Number.isNaN(year) || (year >= YEARS.from && year < YEARS.to);
}, ARRIVAL_RULE);

const previewBody = z
  .object({
    createdAt: arrival,
    timezone: ianaZone('must be an IANA time zone such as America/Chicago').optional(),
    phone: z.string().max(64).optional(),
    country: z.string().max(64).optional(),
    state: z.string().max(64).optional(),
  })
  .strict();

export interface CadenceRoutesOptions {
  readonly cadence: Cadence;
  readonly schedule: Schedule;
  readonly callingRules: ReadonlyMap<string, CallingRule>;
  /** The page previews a lead arriving now when no arrival time is given. */
  readonly now: () => number;
  /** The share of the process's time the open previews may take. */
  readonly budget: CpuBudget;
}

export async function cadenceRoutes(
  app: FastifyInstance,
  { cadence, schedule, callingRules, now, budget }: CadenceRoutesOptions,
) {
  app.get('/cadence', async () => cadence);

  /** The previewed lead, resolved as the pipeline resolves a CRM's lead. */
  const previewLead = (input: z.output<typeof previewBody>) => {
    const createdAt = new Date(input.createdAt).toISOString();
    const place = resolveLead(input, {
      teamZone: schedule.teamZone,
      at: Date.parse(createdAt),
      contactHours: schedule.contactHours,
      callingRules,
    });
    const lead = {
      id: 'preview',
      name: 'Preview Lead',
      createdAt,
      timezone: place.zone,
      isOpen: true,
      converted: false,
      optedOut: [],
      jurisdiction: place.jurisdiction,
    };
    return { place, lead };
  };

  /** One preview for the JSON answer and the page, so the page always shows what JSON says. */
  const preview = (input: z.output<typeof previewBody>, resolved = previewLead(input)) => {
    const { place, lead } = resolved;
    const steps = timeline(lead, cadence, schedule).map((entry) => ({
      ...entry,
      localDueAt: DateTime.fromISO(entry.dueAt).setZone(place.zone).toISO(),
    }));
    return {
      timezone: place.zone,
      timezoneSource: place.source,
      candidates: place.candidates,
      leadWindow: describeWindow(place, schedule),
      steps,
    };
  };

  app.post('/cadence/preview', async (request) =>
    budget.spend(() => preview(parseInput(previewBody, request.body, 'preview request'))),
  );

  app.get('/cadence/preview.html', async (request, reply) => {
    const form = pageForm(request.query, now(), schedule.teamZone);
    try {
      const input = parseInput(previewBody, filled(form), 'preview request');
      const html = budget.spend(() => {
        // The chart shades the window the engine keeps to: every candidate zone, the rules,
        // the lead's holidays; not the contact hours alone.
        const resolved = previewLead(input);
        const place = leadPlace(resolved.lead);
        const window: LegalStretches = (span) => leadStretches(span, place, schedule);
        const answer = preview(input, resolved);
        return previewPageHtml({ form, schedule, answer, window });
      });
      return sendPage(reply, html);
    } catch (error) {
      if (!(error instanceof HttpError) || !error.issues) throw error;
      return sendPage(reply, previewPageHtml({ form, schedule, issues: error.issues }), 400);
    }
  });
}

const FORM_FIELDS = ['createdAt', 'timezone', 'phone', 'country'] as const;

/** The page's form from the query; a lead arriving now (team's zone) when none is given. */
function pageForm(query: unknown, now: number, teamZone: string): PreviewPage['form'] {
  const given = (query ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof given[name] === 'string' ? given[name].trim() : '');
  const arrival = DateTime.fromMillis(now, { zone: teamZone }).startOf('minute');
  return {
    createdAt: text('createdAt') || (arrival.toISO({ suppressMilliseconds: true }) ?? ''),
    timezone: text('timezone'),
    phone: text('phone'),
    country: text('country'),
  };
}

/** A form sends its empty fields too: those are not given. */
const filled = (form: PreviewPage['form']) =>
  Object.fromEntries(FORM_FIELDS.filter((name) => form[name] !== '').map((n) => [n, form[n]]));
