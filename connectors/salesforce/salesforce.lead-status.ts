import type { StatusPicklist } from '../lead-statuses.ts';

/** How start-up messages name the picklist SALESFORCE_*_LEAD_STATUSES are checked against. */
export const LEAD_STATUS_FIELD = "Salesforce's Lead Status picklist";

/** The part of a field's describe the check reads (`PicklistEntry`: active, label, value). */
interface DescribedField {
  readonly name: string;
  readonly type: string;
  readonly picklistValues?:
    | readonly { readonly active: boolean; readonly label: string | null; readonly value: string }[]
    | null;
}

/**
 * The `Status` picklist of Lead from the sObject Describe answer (jsforce's
 * `sobject('Lead').describe()`, `GET /services/data/vXX.X/sobjects/Lead/describe`,
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm).
 * It needs no permission beyond the integration user's Read on Leads; a field the user cannot
 * see is left out of the answer, which leaves the statuses unchecked. Leads hold the entry's
 * `value` (its API name); the `label` may differ, and `active: false` marks an inactive value.
 */
export function leadStatusPicklist(describe: {
  readonly fields: readonly DescribedField[];
}): StatusPicklist {
  const field = describe.fields.find((f) => f.name === 'Status');
  if (field?.type !== 'picklist' || !field.picklistValues) {
    // A code of its own: a refusal, not an outage worth retrying (see salesforceError).
    throw Object.assign(new Error('the Lead describe has no Status picklist this user can see'), {
      errorCode: 'NO_STATUS_PICKLIST',
    });
  }
  return {
    name: LEAD_STATUS_FIELD,
    retiredAs: 'inactive',
    options: field.picklistValues.map((entry) => ({
      value: entry.value,
      label: entry.label ?? entry.value,
      retired: !entry.active,
    })),
  };
}
