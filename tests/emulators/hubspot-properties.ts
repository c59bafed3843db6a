/**
 * The HubSpot emulator's Properties API: `GET /crm/properties/{version}/{objectType}/{name}`
 * answered with a property definition shaped as HubSpot's 2026-09 Properties OpenAPI document
 * describes it (github.com/HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/
 * Properties/Rollouts/145899/2026-09/properties.json, schemas `Property` and `Option`: an option
 * has `label`, `value` and `hidden`, required, and `description`, `displayOrder`), and the 403
 * `MISSING_SCOPES` answer of a token without any of the read's scopes.
 */

/** An option of an enumeration property: leads hold `value`; people see `label`. */
export interface EnumOption {
  readonly value: string;
  readonly label: string;
  /** Hidden in HubSpot's UI; records may still hold it. */
  readonly hidden?: boolean;
}

/** hs_lead_status as HubSpot ships it: upper-case internal values, labels in words. */
export const LEAD_STATUS_OPTIONS: readonly EnumOption[] = [
  { value: 'NEW', label: 'New' },
  { value: 'OPEN', label: 'Open' },
  { value: 'IN_PROGRESS', label: 'In Progress' },
  { value: 'OPEN_DEAL', label: 'Open Deal' },
  { value: 'UNQUALIFIED', label: 'Unqualified' },
  { value: 'ATTEMPTED_TO_CONTACT', label: 'Attempted to Contact' },
  { value: 'CONNECTED', label: 'Connected' },
  { value: 'BAD_TIMING', label: 'Bad Timing' },
];

/** The scopes of the app in deploy/hubspot-app, which an emulated token holds by default. */
export const APP_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'sales-email-read',
];

/**
 * Scopes that let a token read a contact property: any one of them (the 2026-09 document lists
 * alternatives; these are its contact ones).
 */
export const CONTACT_PROPERTY_READ_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.contacts.read',
  'crm.objects.contacts.sensitive.read.v2',
  'crm.objects.contacts.highly_sensitive.read.v2',
];

const TYPES = {
  string: ['string', 'text'],
  enumeration: ['enumeration', 'select'],
  datetime: ['datetime', 'date'],
  number: ['number', 'number'],
  bool: ['bool', 'booleancheckbox'],
} as const;

/** A property's definition as HubSpot answers "Read a property". */
export function propertyDefinition(
  name: string,
  def: { readonly kind: keyof typeof TYPES; readonly readOnly?: boolean },
  options: readonly EnumOption[],
  at: string,
): Record<string, unknown> {
  const [type, fieldType] = TYPES[def.kind];
  return {
    name,
    label: name.replace(/^hs_/, '').replace(/_/g, ' '),
    type,
    fieldType,
    description: '',
    groupName: 'contactinformation',
    options: options.map((o, i) => ({
      label: o.label,
      value: o.value,
      description: '',
      displayOrder: i,
      hidden: o.hidden ?? false,
    })),
    displayOrder: -1,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: false,
    hidden: false,
    hubspotDefined: true,
    formField: true,
    archived: false,
    createdAt: at,
    updatedAt: at,
    modificationMetadata: {
      archivable: false,
      readOnlyDefinition: true,
      readOnlyOptions: false,
      readOnlyValue: def.readOnly ?? false,
    },
    dataSensitivity: 'non_sensitive',
  };
}

/**
 * HubSpot's 403 for a token that has none of the scopes a call needs, as third parties quote it
 * (status, message, `errors[].context.requiredGranularScopes`, `category: MISSING_SCOPES`; e.g.
 * https://eshopman-com.pages.dev/insights/hubspot-development/hubspot-api-missing-scopes-error-demystifying-403-forbidden-for-e-commerce-integrations/);
 * not checked against an account.
 */
export function missingScopes(required: readonly string[], correlationId: string) {
  return {
    status: 'error',
    message:
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    correlationId,
    errors: [
      {
        message: 'One or more of the following scopes are required.',
        context: { requiredGranularScopes: [...required] },
      },
    ],
    links: { scopes: 'https://developers.hubspot.com/scopes' },
    category: 'MISSING_SCOPES',
  };
}
