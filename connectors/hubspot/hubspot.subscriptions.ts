/**
 * The webhook subscriptions of the HubSpot app project (deploy/hubspot-app): exactly the events
 * the webhook route acts on, written in the developer platform's `webhooks` component format
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks).
 * `npm run hubspot:app` writes them; tests check the committed file against them.
 */
import { type OBJECT_TYPE_ID, watchedContactProperties } from './hubspot.mapping.ts';

export type FollowedObject = keyof typeof OBJECT_TYPE_ID;

export interface CrmObjectSubscription {
  readonly subscriptionType:
    | 'object.creation'
    | 'object.propertyChange'
    | 'object.merge'
    | 'object.restore';
  readonly objectType: FollowedObject;
  readonly propertyName?: string;
  readonly active: boolean;
}

/**
 * HubSpot sends up to this many requests at once (each up to 100 events). Ten deliveries of
 * seven CRM calls each stay under the 100-requests-per-10-s budget the connector keeps.
 */
export const MAX_CONCURRENT_REQUESTS = 10;

const on = (
  subscriptionType: CrmObjectSubscription['subscriptionType'],
  objectType: FollowedObject,
  propertyName?: string,
): CrmObjectSubscription => ({
  subscriptionType,
  objectType,
  ...(propertyName === undefined ? {} : { propertyName }),
  active: true,
});

/** What the service must hear about; a task's creation is left out: it is usually ours. */
export function webhookSubscriptions(doNotCallProperty?: string): CrmObjectSubscription[] {
  return [
    on('object.creation', 'contact'),
    ...watchedContactProperties(doNotCallProperty).map((name) =>
      on('object.propertyChange', 'contact', name),
    ),
    // A merge leaves the surviving contact with both contacts' tasks; a restore revives one.
    on('object.merge', 'contact'),
    on('object.restore', 'contact'),
    on('object.propertyChange', 'task', 'hs_task_status'),
    on('object.creation', 'call'),
    on('object.propertyChange', 'call', 'hs_call_disposition'),
    on('object.creation', 'email'),
  ];
}

/** The `webhooks` component file (`src/app/webhooks/webhooks-hsmeta.json`). */
export function webhooksComponent(targetUrl: string, doNotCallProperty?: string) {
  return {
    uid: 'lead_followup_webhooks',
    type: 'webhooks',
    config: {
      settings: { targetUrl, maxConcurrentRequests: MAX_CONCURRENT_REQUESTS },
      subscriptions: {
        crmObjects: webhookSubscriptions(doNotCallProperty),
        legacyCrmObjects: [],
        hubEvents: [],
      },
    },
  };
}
