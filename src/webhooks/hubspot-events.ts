import type { ActivityRef } from '../../connectors/crm-connector.port.ts';
import { OBJECT_TYPE_ID } from '../../connectors/hubspot/hubspot.mapping.ts';
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

const CONTACT = OBJECT_TYPE_ID.contact;
const ACTIVITY_OF_TYPE_ID: Readonly<Record<string, ActivityRef['kind']>> = {
  [OBJECT_TYPE_ID.task]: 'task',
  [OBJECT_TYPE_ID.call]: 'call',
  [OBJECT_TYPE_ID.email]: 'email',
};

type Route =
  | { readonly lead: string }
  | { readonly leads: readonly string[] }
  | { readonly activity: ActivityRef }
  | { readonly ignore: string };

/** Contact properties the cadence reads: a change to any other property changes nothing. */
type Watched = ReadonlySet<string>;

function contactEvent(action: string, event: HubSpotEvent, watched: Watched): Route {
  switch (action) {
    case 'creation':
    case 'restore':
      return { lead: event.objectId };
    case 'propertyChange':
      if (event.propertyName !== undefined && !watched.has(event.propertyName)) {
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

function route(event: HubSpotEvent, watched: Watched): Route {
  const [object = '', action = ''] = event.type.split('.', 2);
  if (object === 'contact') return contactEvent(action, event, watched);
  if (object === 'object') {
    if (event.objectTypeId === CONTACT) return contactEvent(action, event, watched);
    const kind = ACTIVITY_OF_TYPE_ID[event.objectTypeId ?? ''];
    if (kind) return activityEvent(kind, action, event);
    return { ignore: `objects of type ${event.objectTypeId ?? 'unknown'} are not followed` };
  }
  return { ignore: `subscription type ${event.type} is not followed` };
}

/**
 * Sorts a delivery's events into contacts to re-decide, records to resolve, and the rest.
 * `watched` are the contact properties whose change matters (see `watchedContactProperties`).
 */
export function planDelivery(events: readonly HubSpotEvent[], watched: Watched): DeliveryPlan {
  const leadIds = new Set<string>();
  const activities = new Map<string, ActivityRef>();
  const ignored: IgnoredEvent[] = [];
  for (const event of events) {
    const r = route(event, watched);
    if ('lead' in r) leadIds.add(r.lead);
    else if ('leads' in r) for (const id of r.leads) leadIds.add(id);
    else if ('activity' in r) activities.set(`${r.activity.kind}:${r.activity.id}`, r.activity);
    else ignored.push({ type: event.type, objectId: event.objectId, reason: r.ignore });
  }
  return { leadIds: [...leadIds], activities: [...activities.values()], ignored };
}
