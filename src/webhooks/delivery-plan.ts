import type { ActivityRef } from '../../connectors/crm-connector.port.ts';

/** What a webhook delivery names, whatever the CRM: leads, and records of leads. */
export interface LeadsToDecide {
  /** Leads to re-decide. */
  readonly leadIds: readonly string[];
  /** Tasks, calls and emails whose leads must be re-decided. */
  readonly activities: readonly ActivityRef[];
}
