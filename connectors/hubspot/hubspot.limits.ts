import type { RequestGate } from '../request-gate.ts';

/** What the SDK's response middleware is handed: the status and the headers, lower-cased. */
interface ResponseContext {
  readonly httpStatusCode?: number;
  readonly headers?: Record<string, string | undefined>;
}

const count = (value: string | undefined) =>
  value !== undefined && /^\d{1,12}$/.test(value) ? Number(value) : undefined;

/**
 * Reads HubSpot's rate-limit headers off every answer and hands them to the gate: the window
 * (`X-HubSpot-RateLimit-Max`, `-Remaining`, `-Interval-Milliseconds`), so that replicas share
 * it, and the day (`-Daily`, `-Daily-Remaining`, sent to private apps only), for the daily
 * budget. A 429 with nothing left for the day opens the daily guard. Search answers carry no
 * such headers. Source: https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
 * ("Rate limits" and its headers table, checked 2026-12-02).
 */
export function limitReader(gate: RequestGate) {
  return {
    pre: (context: unknown) => context,
    post(context: unknown) {
      const { httpStatusCode, headers = {} } = context as ResponseContext;
      const max = count(headers['x-hubspot-ratelimit-max']);
      const remaining = count(headers['x-hubspot-ratelimit-remaining']);
      const intervalMs = count(headers['x-hubspot-ratelimit-interval-milliseconds']);
      if (max !== undefined && remaining !== undefined && intervalMs !== undefined) {
        gate.report({ max, remaining, intervalMs });
      }
      const daily = count(headers['x-hubspot-ratelimit-daily']);
      const dailyLeft = count(headers['x-hubspot-ratelimit-daily-remaining']);
      if (daily !== undefined && dailyLeft !== undefined) {
        gate.daily?.report({ used: Math.max(0, daily - dailyLeft), limit: daily });
        if (httpStatusCode === 429 && dailyLeft === 0) {
          gate.daily?.exhausted(count(headers['retry-after']));
        }
      }
      return context;
    },
  };
}
