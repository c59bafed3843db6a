import { z } from 'zod';
import { CrmError } from '../crm-connector.port.ts';
import type { StatusPicklist } from '../lead-statuses.ts';
import { hubspotPath } from './hubspot.rest.ts';

/** How start-up messages name the picklist HUBSPOT_*_LEAD_STATUSES are checked against. */
export const LEAD_STATUS_PROPERTY = "HubSpot's contact property hs_lead_status";

/**
 * The part of HubSpot's property definition the check reads. `options` with `value`, `label`
 * and `hidden` are required fields of an option in HubSpot's 2026-09 Properties OpenAPI document
 * (github.com/HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/Properties/
 * Rollouts/145899/2026-09/properties.json, schema `Option`, read 2026-12-02).
 */
const property = z.object({
  name: z.string(),
  type: z.string(),
  options: z.array(z.object({ value: z.string(), label: z.string(), hidden: z.boolean() })),
});

/**
 * Reads `hs_lead_status` with `GET /crm/properties/2026-09/contacts/hs_lead_status` ("Read a
 * property", https://developers.hubspot.com/docs/api-reference/latest/crm/properties/get-property).
 * Its scopes are alternatives, `crm.objects.contacts.read` among them (the 2026-09 document
 * above), which the app already has: no new scope. Contacts' options carry HubSpot's internal
 * value (`ATTEMPTED_TO_CONTACT`) and a label (`Attempted to Contact`); leads hold the value.
 */
export async function readLeadStatusPicklist(
  get: (path: string) => Promise<unknown>,
): Promise<StatusPicklist> {
  const answer = property.safeParse(await get(hubspotPath.property('contacts', 'hs_lead_status')));
  if (!answer.success || answer.data.type !== 'enumeration') {
    const message = 'HubSpot answered hs_lead_status without its enumeration options';
    throw new CrmError(message, { code: 'crm_rejected', retryable: false });
  }
  return {
    name: LEAD_STATUS_PROPERTY,
    retiredAs: 'hidden',
    options: answer.data.options.map((o) => ({
      value: o.value,
      label: o.label,
      retired: o.hidden,
    })),
  };
}
