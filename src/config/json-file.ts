import type { z } from 'zod';
import type { Parsed } from './hours.ts';

/** Parses JSON text against a schema; every problem is named with its path. */
export function parseJsonWith<T>(schema: z.ZodType<T>, text: string, what: string): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const details = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: `not a valid ${what}: ${details.join('; ')}` };
}
