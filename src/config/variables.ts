/**
 * Building blocks of environment-variable schemas, shared by the service's own variables and
 * each connector's (connectors/<crm>/<crm>.config.ts), so every variable is checked alike.
 */
import { z } from 'zod';
import type { Parsed } from './hours.ts';

/** Environment variables with empty ones removed: an empty string counts as unset. */
export type Env = Readonly<Record<string, string>>;

/** Turns a hand-written parser into a zod transform that reports its error on the variable. */
export function parsedBy<T>(parse: (text: string) => Parsed<T>) {
  return z.string().transform((text, ctx): T => {
    const result = parse(text);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.error });
    return z.NEVER;
  });
}

export const secret = z
  .string()
  .regex(/^\S+$/, 'must not contain spaces')
  .max(512, 'must be at most 512 characters');

/** An absolute http(s) URL without query or fragment, returned without its trailing slash. */
export const baseUrl = z.string().transform((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://host' });
    return z.NEVER;
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username) {
    ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL without query or fragment' });
    return z.NEVER;
  }
  return url.href.replace(/\/+$/, '');
});

/** A whole number within bounds, from its decimal text. */
export const count = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

/**
 * A yes/no variable: `true`/`false`, `1`/`0` or `yes`/`no`, in any case: `TRUE` and `True` (as
 * YAML and .env files often spell it) were refused with "must be true or false".
 */
export const flag = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false (or yes/no, 1/0)'))
  .transform((v) => ['true', '1', 'yes'].includes(v));

/** A comma-separated list, trimmed, without blanks or repeats. */
export const list = z
  .string()
  .transform((text) => [...new Set(text.split(',').map((item) => item.trim()))].filter(Boolean));

/** `NAME: why` for each problem zod found, named by the variable (never by its value). */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${String(i.path[0] ?? '(environment)')}: ${i.message}`);
}
