/**
 * How a connector declares its own environment variables. The registry lists every connector's
 * declaration, and `loadConfig` (src/config/config.ts) runs the chosen one beside the service's
 * own variables, so one start-up message names every bad variable at once.
 */
import type { z } from 'zod';
import { type Env, problemsOf } from '../src/config/variables.ts';

export type CrmConfigResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface CrmConfig<T> {
  /** CRM requests per 10 s when `CRM_RATE_LIMIT` is unset; 0 is no limit. */
  readonly rateLimit: number;
  /** CRM requests in flight at once when `CRM_MAX_CONCURRENCY` is unset; 0 is no limit. */
  readonly maxConcurrency: number;
  /** The names of this CRM's variables, for the configuration reference to be checked. */
  readonly variables: readonly string[];
  /** Validates this CRM's variables; each problem reads `NAME: why`. */
  parse(env: Env): CrmConfigResult<T>;
}

export interface CrmConfigSpec<S extends z.ZodObject, T> {
  /** The `CRM` value, for "required when CRM=…". */
  readonly name: string;
  /** This CRM's variables; a variable the service shares (`PUBLIC_URL`) is validated there. */
  readonly variables: S;
  /** Variables this CRM cannot start without, including shared ones. */
  readonly required: readonly string[];
  /** Problems no single variable shows, such as half of a credential pair. */
  readonly check?: (env: Env) => string[];
  readonly build: (values: z.output<S>, env: Env) => T;
  readonly rateLimit: number;
  readonly maxConcurrency: number;
}

export function crmConfig<S extends z.ZodObject, T>(spec: CrmConfigSpec<S, T>): CrmConfig<T> {
  return {
    rateLimit: spec.rateLimit,
    maxConcurrency: spec.maxConcurrency,
    variables: Object.keys(spec.variables.shape),
    parse(env) {
      const result = spec.variables.safeParse(env);
      const problems = result.success ? [] : problemsOf(result.error);
      for (const name of spec.required) {
        if (env[name] === undefined) problems.push(`${name}: required when CRM=${spec.name}`);
      }
      problems.push(...(spec.check?.(env) ?? []));
      if (!result.success || problems.length > 0) return { ok: false, problems };
      return { ok: true, value: spec.build(result.data, env) };
    },
  };
}
