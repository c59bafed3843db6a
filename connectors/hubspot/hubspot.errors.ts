/** Maps what HubSpot answers, or what fetch throws, to `CrmError`s the pipeline acts on. */
import { CrmError } from '../crm-connector.port.ts';

export interface HubSpotFailure {
  readonly code?: unknown;
  readonly body?: { message?: unknown; policyName?: unknown; category?: unknown } | unknown;
  readonly headers?: Record<string, string>;
  readonly message?: string;
}

function retryAfterHeader(failure: HubSpotFailure): number | undefined {
  const header = failure.headers?.['retry-after'];
  return header && /^\d{1,6}$/.test(header) ? Number(header) : undefined;
}

/** Seconds to wait after a 429, from `Retry-After` or else the policy that was hit. */
function rateLimitWait(failure: HubSpotFailure): number {
  const header = retryAfterHeader(failure);
  if (header !== undefined) return header;
  const policy = (failure.body as { policyName?: unknown } | undefined)?.policyName;
  if (policy === 'SECONDLY') return 1;
  if (policy === 'DAILY') return 3600;
  const interval = Number(failure.headers?.['x-hubspot-ratelimit-interval-milliseconds']);
  return Number.isFinite(interval) && interval > 0 ? Math.ceil(interval / 1000) : 10;
}

/**
 * The error codes HubSpot gives a write an account's own rules refuse, enforced on API writes
 * from version 2026-09 (https://developers.hubspot.com/changelog/crm-api-write-validation-enforcement):
 * a property an admin made required when another has some value, a field the object's Create
 * Record form requires. Both come as a 400 `VALIDATION_ERROR`; trying again cannot help. The
 * codes are as third parties quote that entry (docs/hubspot.md, "Validation rules").
 */
const ACCOUNT_RULES = new Set([
  'MISSING_CONDITIONAL_REQUIRED_PROPERTY',
  'MISSING_REQUIRED_PROPERTY',
]);

/** What an account rule refused, naming the properties, or undefined for any other error. */
function accountRuleRefusal(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return undefined;
  const refused = (errors as { code?: unknown; message?: unknown }[]).filter(
    (e) => typeof e.code === 'string' && ACCOUNT_RULES.has(e.code),
  );
  if (refused.length === 0) return undefined;
  const details = refused.map((e) => `${String(e.code)}: ${String(e.message ?? '')}`.slice(0, 300));
  return (
    `refused by a validation rule an admin of the HubSpot account set (${details.join('; ')}); ` +
    'the rule or the task fields must change, see docs/hubspot.md "Validation rules"'
  );
}

/** Maps what the SDK throws to a `CrmError` that says whether trying again can help. */
export function hubspotError(operation: string, error: unknown): CrmError {
  const failure = (error ?? {}) as HubSpotFailure;
  const status = typeof failure.code === 'number' ? failure.code : undefined;
  const bodyMessage = (failure.body as { message?: unknown } | undefined)?.message;
  const detail =
    accountRuleRefusal(failure.body) ??
    (typeof bodyMessage === 'string' ? bodyMessage : (failure.message ?? 'no details'));
  const message = `HubSpot ${operation} failed${status ? ` with ${status}` : ''}: ${detail}`;
  if (status === undefined) {
    // fetch failed: connection refused or reset, DNS, TLS. The request may or may not have landed.
    return new CrmError(message, { code: 'crm_unreachable', retryable: true, cause: error });
  }
  if (status === 429) {
    return new CrmError(message, {
      code: 'crm_rate_limited',
      retryable: true,
      retryAfterSeconds: rateLimitWait(failure),
      cause: error,
    });
  }
  if (status >= 500) {
    const wait = retryAfterHeader(failure);
    return new CrmError(message, {
      code: 'crm_unavailable',
      retryable: true,
      ...(wait === undefined ? {} : { retryAfterSeconds: wait }),
      cause: error,
    });
  }
  if (status === 401 || status === 403) {
    return new CrmError(message, { code: 'crm_auth_failed', retryable: false, cause: error });
  }
  return new CrmError(message, { code: 'crm_rejected', retryable: false, cause: error });
}
