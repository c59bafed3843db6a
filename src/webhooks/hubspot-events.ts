import type { ActivityRef } from '../../connectors/crm-connector.port.ts';
import type { LeadsToDecide } from './delivery-plan.ts';

/** One event of a HubSpot webhook delivery, after validation. */
export interface HubSpotEvent {
  readonly type: string;
  readonly objectId: string;
  readonly objectTypeId?: string | undefined;
  readonly propertyName?: string | undefined;
  readonly attemptNumber?: number | undefined;
  readonly primaryObjectId?: string | undefined;
  readonly newObjectId?: string | undefined;
}

export interface IgnoredEvent {
  readonly type: string;
  readonly objectId: string;
  readonly reason: string;
}

export interface DeliveryPlan extends LeadsToDecide {
  readonly ignored: readonly IgnoredEvent[];
}

/** Contact properties the cadence reads: a change to any other property changes nothing. */
const WATCHED_CONTACT_PROPERTIES: ReadonlySet<string> = new Set([
  'hs_lead_status',
  'lifecyclestage',
  'hubspot_owner_id',
  'hs_email_optout',
  'firstname',
  'lastname',
  'company',
  'phone',
  'mobilephone',
  'country',
  'hs_timezone',
]);

const CONTACT = '0-1';
const ACTIVITY_OF_TYPE_ID: Readonly<Record<string, ActivityRef['kind']>> = {
  '0-27': 'task',
  '0-48': 'call',
  '0-49': 'email',
};

type Route =
  | { readonly lead: string }
  | { readonly leads: readonly string[] }
  | { readonly activity: ActivityRef }
  | { readonly ignore: string };

function contactEvent(action: string, event: HubSpotEvent): Route {
  switch (action) {
    case 'creation':
    case 'restore':
      return { lead: event.objectId };
    case 'propertyChange':
      if (event.propertyName !== undefined && !WATCHED_CONTACT_PROPERTIES.has(event.propertyName)) {
        return { ignore: `property ${event.propertyName} is not read by the cadence` };
      }
      return { lead: event.objectId };
    case 'merge': {
      // The surviving contact now holds both contacts' tasks: re-deciding it closes any twin.
      const ids = [event.primaryObjectId, event.newObjectId, event.objectId];
      return { leads: ids.filter((id): id is string => id !== undefined) };
    }
    default:
      return { ignore: `contact ${action} needs no follow-up decision` };
  }
}

function activityEvent(kind: ActivityRef['kind'], action: string, event: HubSpotEvent): Route {
  if (action === 'propertyChange' || action === 'restore') {
    return { activity: { kind, id: event.objectId } };
  }
  // A new call or email may reach the lead; a new task is usually one this service just wrote.
  if (action === 'creation' && kind !== 'task') return { activity: { kind, id: event.objectId } };
  return { ignore: `${kind} ${action} needs no follow-up decision` };
}

function route(event: HubSpotEvent): Route {
  const [object = '', action = ''] = event.type.split('.', 2);
  if (object === 'contact') return contactEvent(action, event);
  if (object === 'object') {
    if (event.objectTypeId === CONTACT) return contactEvent(action, event);
    const kind = ACTIVITY_OF_TYPE_ID[event.objectTypeId ?? ''];
    if (kind) return activityEvent(kind, action, event);
    return { ignore: `objects of type ${event.objectTypeId ?? 'unknown'} are not followed` };
  }
  return { ignore: `subscription type ${event.type} is not followed` };
}

/** Sorts a delivery's events into contacts to re-decide, records to resolve, and the rest. */
export function planDelivery(events: readonly HubSpotEvent[]): DeliveryPlan {
  const leadIds = new Set<string>();
  const activities = new Map<string, ActivityRef>();
  const ignored: IgnoredEvent[] = [];
  for (const event of events) {
    const r = route(event);
    if ('lead' in r) leadIds.add(r.lead);
    else if ('leads' in r) for (const id of r.leads) leadIds.add(id);
    else if ('activity' in r) activities.set(`${r.activity.kind}:${r.activity.id}`, r.activity);
    else ignored.push({ type: event.type, objectId: event.objectId, reason: r.ignore });
  }
  return { leadIds: [...leadIds], activities: [...activities.values()], ignored };
}
