/**
 * What the connectors report about their CRM traffic, for metrics. The connectors stay free of
 * any metrics library: the service passes an implementation in (see `src/observability`).
 */
export interface CrmTelemetry {
  /**
   * One attempt of a CRM call ended: `status` is `ok` or the failure's stable code
   * (`crm_rate_limited`, `crm_unavailable`, `crm_unreachable`, `crm_rejected`, …).
   */
  attempt(operation: string, status: string): void;
  /** A failed attempt is tried again, for the reason `code`. */
  retry(operation: string, code: string): void;
  /**
   * One HTTP request passed the client-side rate limit: how long it waited for its turn, and
   * how long the CRM then took to answer.
   */
  request(waitedMs: number, tookMs: number): void;
}
