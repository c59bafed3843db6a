/**
 * Salesforce Outbound Messages: parsing the SOAP `notifications` request and writing the SOAP
 * acknowledgement or fault. XML from outside is parsed defensively: any DTD is refused before
 * parsing (SOAP forbids them, and they carry external entities and entity-expansion bombs), the
 * nesting depth is capped, and the body size is capped by the route.
 */

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isLeadId, SALESFORCE_ID } from '../../connectors/salesforce/salesforce-id.ts';
import { echoed } from '../http/mask.ts';
import type { LeadsToDecide } from './delivery-plan.ts';
import { forbiddenCharacter, longXmlName, MAX_XML_NAME } from './xml-characters.ts';

/** What an outbound message asks for: leads to re-decide, tasks to resolve, and the rest. */
export interface OutboundPlan extends LeadsToDecide {
  readonly leadIds: string[];
  readonly activities: { readonly kind: 'task'; readonly id: string }[];
  readonly ignored: string[];
}

/**
 * Lead notifications name their lead; Task notifications name it in `WhoId` (a task without
 * one is looked up). Anything else (a contact's task, another object) is ignored.
 */
export function planOutbound(message: OutboundMessage): OutboundPlan {
  const plan: OutboundPlan = { leadIds: [], activities: [], ignored: [] };
  for (const n of message.notifications) {
    const id = n.fields.Id ?? '';
    const whoId = n.fields.WhoId ?? '';
    if (n.objectType === 'Lead' && SALESFORCE_ID.test(id)) plan.leadIds.push(id);
    else if (n.objectType === 'Task' && SALESFORCE_ID.test(whoId) && isLeadId(whoId))
      plan.leadIds.push(whoId);
    else if (n.objectType === 'Task' && SALESFORCE_ID.test(id) && whoId === '')
      plan.activities.push({ kind: 'task', id });
    else plan.ignored.push(`${n.objectType}:${id}`);
  }
  return plan;
}

export const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';
const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** Salesforce sends at most 100 notifications per message. */
const MAX_NOTIFICATIONS = 100;

export interface OutboundNotification {
  /** The notification's own id (`04l…`). */
  readonly id: string;
  /** `Lead`, `Task`, … from `xsi:type="sf:Lead"`. */
  readonly objectType: string;
  /** The sObject's fields as sent (strings), e.g. `Id`, `WhoId`. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface OutboundMessage {
  readonly organizationId: string;
  readonly actionId: string;
  readonly notifications: readonly OutboundNotification[];
}

export type OutboundParse =
  | { readonly ok: true; readonly message: OutboundMessage }
  | {
      readonly ok: false;
      readonly code: 'xml_doctype_forbidden' | 'invalid_xml' | 'invalid_outbound_message';
      readonly reason: string;
    };

type XmlNode = { [key: string]: XmlNode | XmlNode[] | string | undefined };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: 32,
  textNodeName: '#text',
});

/** An element's namespace URI and local name, with the declarations in scope. */
interface Scope {
  readonly ns: ReadonlyMap<string, string>;
}

function declarations(node: XmlNode, parent: Scope): Scope {
  const ns = new Map(parent.ns);
  for (const [key, value] of Object.entries(node)) {
    if (typeof value !== 'string') continue;
    if (key === '@_xmlns') ns.set('', value);
    else if (key.startsWith('@_xmlns:')) ns.set(key.slice(8), value);
  }
  return { ns };
}

function qualified(name: string, scope: Scope): { uri: string | undefined; local: string } {
  const colon = name.indexOf(':');
  const prefix = colon === -1 ? '' : name.slice(0, colon);
  return { uri: scope.ns.get(prefix), local: colon === -1 ? name : name.slice(colon + 1) };
}

/** The child elements of `node` named `local` in namespace `uri` (any namespace when undefined). */
function children(
  node: XmlNode,
  scope: Scope,
  local: string,
  uri?: string,
): [XmlNode | string, Scope][] {
  const found: [XmlNode | string, Scope][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text' || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const inner = typeof item === 'string' ? scope : declarations(item, scope);
      const name = qualified(key, inner);
      if (name.local === local && (uri === undefined || name.uri === uri))
        found.push([item, inner]);
    }
  }
  return found;
}

function textOf(value: XmlNode | string | undefined): string | undefined {
  if (typeof value === 'string') return value;
  const text = value?.['#text'];
  return typeof text === 'string' ? text : undefined;
}

const fail = (reason: string): OutboundParse => ({
  ok: false,
  code: 'invalid_outbound_message',
  reason,
});

export function parseOutboundMessage(xml: string): OutboundParse {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return {
      ok: false,
      code: 'xml_doctype_forbidden',
      reason: 'a DTD is not allowed in a SOAP message',
    };
  }
  const forbidden = forbiddenCharacter(xml);
  if (forbidden !== undefined) {
    return { ok: false, code: 'invalid_xml', reason: `a character XML forbids: ${forbidden}` };
  }
  if (longXmlName(xml)) {
    return {
      ok: false,
      code: 'invalid_xml',
      reason: `a name longer than ${MAX_XML_NAME} characters`,
    };
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return { ok: false, code: 'invalid_xml', reason: `${valid.err.msg} (line ${valid.err.line})` };
  }
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch (error) {
    return { ok: false, code: 'invalid_xml', reason: (error as Error).message };
  }
  const root: Scope = { ns: new Map() };
  const [envelope] = children(document, root, 'Envelope', SOAP_ENV_NS);
  if (!envelope || typeof envelope[0] === 'string') return fail('no SOAP Envelope');
  const [body] = children(envelope[0], envelope[1], 'Body', SOAP_ENV_NS);
  if (!body || typeof body[0] === 'string') return fail('no SOAP Body');
  const [notifications] = children(body[0], body[1], 'notifications', OUTBOUND_NS);
  if (!notifications || typeof notifications[0] === 'string') {
    return fail(`no notifications element in namespace ${OUTBOUND_NS}`);
  }
  const [node, scope] = notifications;
  const organizationId = textOf(children(node, scope, 'OrganizationId', OUTBOUND_NS)[0]?.[0]);
  const actionId = textOf(children(node, scope, 'ActionId', OUTBOUND_NS)[0]?.[0]) ?? '';
  if (!organizationId) return fail('no OrganizationId');
  const items = children(node, scope, 'Notification', OUTBOUND_NS);
  if (items.length === 0) return fail('no Notification');
  if (items.length > MAX_NOTIFICATIONS) return fail(`more than ${MAX_NOTIFICATIONS} notifications`);
  const parsed: OutboundNotification[] = [];
  for (const [item, itemScope] of items) {
    if (typeof item === 'string') return fail('an empty Notification');
    const id = textOf(children(item, itemScope, 'Id', OUTBOUND_NS)[0]?.[0]);
    const [sObject] = children(item, itemScope, 'sObject', OUTBOUND_NS);
    if (!id || !sObject || typeof sObject[0] === 'string')
      return fail('a Notification without Id or sObject');
    const [objectNode, objectScope] = sObject;
    const xsiType = Object.entries(objectNode).find(
      ([key]) =>
        key.startsWith('@_') &&
        qualified(key.slice(2), objectScope).uri === XSI_NS &&
        key.endsWith(':type'),
    )?.[1];
    if (typeof xsiType !== 'string') return fail('an sObject without xsi:type');
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(objectNode)) {
      if (key.startsWith('@_') || key === '#text') continue;
      const text = textOf(Array.isArray(value) ? value[0] : value);
      if (text !== undefined) fields[qualified(key, objectScope).local] = text;
    }
    parsed.push({ id, objectType: qualified(xsiType, objectScope).local, fields });
  }
  return { ok: true, message: { organizationId, actionId, notifications: parsed } };
}

const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body>`;
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

/** The acknowledgement Salesforce waits for before it forgets a message. */
export const OUTBOUND_ACK = `${ENVELOPE_OPEN}<notificationsResponse xmlns="${OUTBOUND_NS}"><Ack>true</Ack></notificationsResponse>${ENVELOPE_CLOSE}`;

function escapeXml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A SOAP 1.1 fault: `Client` for a bad request, `Server` when Salesforce should retry. */
export function soapFault(side: 'Client' | 'Server', code: string, message: string): string {
  // The message may quote the message refused or the CRM: echoed as in JSON answers.
  const text = escapeXml(`${code}: ${echoed(message)}`);
  return `${ENVELOPE_OPEN}<soapenv:Fault><faultcode>soapenv:${side}</faultcode><faultstring>${text}</faultstring></soapenv:Fault>${ENVELOPE_CLOSE}`;
}
