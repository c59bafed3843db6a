import type { FastifyInstance } from 'fastify';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { timeline } from '../engine/timeline.ts';
import type { Cadence, Schedule } from '../engine/types.ts';
import { parseInput } from '../http/errors.ts';
import { leadTimezone } from '../timezone/lead-timezone.ts';

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
  })
  .strict();

export interface CadenceRoutesOptions {
  readonly cadence: Cadence;
  readonly schedule: Schedule;
}

export async function cadenceRoutes(
  app: FastifyInstance,
  { cadence, schedule }: CadenceRoutesOptions,
) {
  app.get('/cadence', async () => cadence);

  app.post('/cadence/preview', async (request) => {
    const input = parseInput(previewBody, request.body, 'preview request');
    const createdAt = new Date(input.createdAt).toISOString();
    const tz = leadTimezone(input, schedule.teamZone, Date.parse(createdAt));
    const lead = {
      id: 'preview',
      name: 'Preview Lead',
      createdAt,
      timezone: tz.zone,
      isOpen: true,
      converted: false,
      optedOut: [],
    };
    const steps = timeline(lead, cadence, schedule).map((entry) => ({
      ...entry,
      localDueAt: DateTime.fromISO(entry.dueAt).setZone(tz.zone).toISO(),
    }));
    return { timezone: tz.zone, timezoneSource: tz.source, steps };
  });
}
