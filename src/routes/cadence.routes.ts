import type { FastifyInstance } from 'fastify';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { timeline } from '../engine/timeline.ts';
import type { Cadence, CallingRule, Schedule } from '../engine/types.ts';
import { parseInput } from '../http/errors.ts';
import { resolveLead } from '../timezone/lead-jurisdiction.ts';
import { describeWindow } from './lead-window-view.ts';

const previewBody = z
  .object({
    createdAt: z.iso.datetime({ offset: true }),
    timezone: z
      .string()
      .refine(
        (zone) => IANAZone.isValidZone(zone),
        'must be an IANA time zone such as America/Chicago',
      )
      .optional(),
    phone: z.string().max(64).optional(),
    country: z.string().max(64).optional(),
    state: z.string().max(64).optional(),
  })
  .strict();

export interface CadenceRoutesOptions {
  readonly cadence: Cadence;
  readonly schedule: Schedule;
  readonly callingRules: ReadonlyMap<string, CallingRule>;
}

export async function cadenceRoutes(
  app: FastifyInstance,
  { cadence, schedule, callingRules }: CadenceRoutesOptions,
) {
  app.get('/cadence', async () => cadence);

  app.post('/cadence/preview', async (request) => {
    const input = parseInput(previewBody, request.body, 'preview request');
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
  });
}
