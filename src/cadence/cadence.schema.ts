import { z } from 'zod';
import { type Cadence, type CadenceStep, CHANNELS, PRIORITIES } from '../engine/types.ts';

const MAX_DELAY_MINUTES = 60 * 24 * 30;

const minutes = z.number().int().min(0).max(MAX_DELAY_MINUTES);

const delay = z
  .union([minutes, z.object({ min: minutes, max: minutes }).strict()])
  .transform((d) => (typeof d === 'number' ? { min: d, max: d } : d))
  .refine((d) => d.max >= d.min, { message: 'afterMinutes.max must not be less than min' });

const step = z
  .object({
    channel: z.enum(CHANNELS),
    day: z.number().int().min(1).max(365).optional(),
    afterMinutes: delay.optional(),
    priority: z.enum(PRIORITIES).default('medium'),
    guidance: z.string().max(4000).default(''),
  })
  .strict()
  .refine((s) => (s.day === undefined) !== (s.afterMinutes === undefined), {
    message: 'a step needs exactly one of "day" and "afterMinutes"',
  })
  .transform((s): CadenceStep => {
    const { channel, priority, guidance } = s;
    return s.day === undefined
      ? { channel, priority, guidance, afterMinutes: s.afterMinutes ?? { min: 0, max: 0 } }
      : { channel, priority, guidance, day: s.day };
  });

function daysInOrder(steps: readonly CadenceStep[]): boolean {
  return CHANNELS.every((channel) => {
    const days = steps.flatMap((s) => (s.channel === channel && s.day ? [s.day] : []));
    return days.every((d, i) => i === 0 || d >= (days[i - 1] ?? 0));
  });
}

/** The JSON format of a cadence, as ops write it in `CADENCE` or `CADENCE_FILE`. */
export const cadenceSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1-64 letters, digits, "_", "." or "-"'),
    steps: z.array(step).min(1).max(50),
  })
  .strict()
  .refine((c) => daysInOrder(c.steps), {
    message: 'the "day" steps of each channel must be in increasing day order',
  })
  .transform((c): Cadence => c);
