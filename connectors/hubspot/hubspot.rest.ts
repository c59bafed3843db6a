import type { Client } from '@hubspot/api-client';
import { ApiException } from '@hubspot/api-client/lib/codegen/crm/objects/apis/exception.js';
import { ObjectSerializer } from '@hubspot/api-client/lib/codegen/crm/objects/models/ObjectSerializer.js';
import { jsonBytes, parseJsonBytes } from '../json-bytes.ts';

/**
 * The one HubSpot API version every call of the connector names; the next migration changes
 * this line (and the emulator's list of served versions). 2026-09 is the newest generally
 * available date-based version (GA on 2026-09-08): HubSpot tells new and migrating integrations
 * to use the latest one ("migrate to the 2026-09 equivalent endpoints",
 * https://developers.hubspot.com/docs/api-reference/legacy/migration-guide; "For new
 * integrations, always use the latest date version",
 * https://developers.hubspot.com/docs/api-reference/latest/overview). Every endpoint below is in
 * HubSpot's published 2026-09 OpenAPI documents (github.com/HubSpot/HubSpot-public-api-spec-
 * collection, PublicApiSpecs/CRM/{Objects,Contacts,Tasks,Associations,Properties}/Rollouts/…/
 * 2026-09/), checked 2026-12-02. From this version on HubSpot enforces an account's admin-configured
 * validation rules on CRM writes: see docs/hubspot.md, "API version".
 */
export const HUBSPOT_API_VERSION = '2026-09';

/** Paths of the date-based APIs the connector calls, all of `HUBSPOT_API_VERSION`. */
export const hubspotPath = {
  /** `/crm/objects/{version}/{objectType}{rest}`: records, batches, search. */
  objects: (objectType: string, rest = '') =>
    `/crm/objects/${HUBSPOT_API_VERSION}/${objectType}${rest}`,
  /** `/crm/associations/{version}/{from}/{to}{rest}`: association batches. */
  associations: (from: string, to: string, rest = '') =>
    `/crm/associations/${HUBSPOT_API_VERSION}/${from}/${to}${rest}`,
  /** `/crm/properties/{version}/{objectType}/{propertyName}`: one property's definition. */
  property: (objectType: string, name: string) =>
    `/crm/properties/${HUBSPOT_API_VERSION}/${objectType}/${encodeURIComponent(name)}`,
};

/** What a response middleware of the SDK is handed, as far as the connector's own reads it. */
export interface ResponseMiddleware {
  post(context: {
    readonly httpStatusCode: number;
    readonly headers: Record<string, string>;
  }): unknown;
}

/**
 * Sends every HubSpot call of the connector through the SDK's own `client.apiRequest`. Two
 * reasons. The SDK's generated APIs (`@hubspot/api-client` 14.0.1, its newest release) still
 * call `/crm/v3` and `/crm/v4` paths, which HubSpot stops supporting in 2027, and HubSpot's
 * date-based SDK is not on npm; `apiRequest` takes any path. And on the hot paths the generated
 * APIs walk every request and answer through their `ObjectSerializer` model by model (and turn
 * every date into a `Date` the connector turns back): in the intake benchmark's CPU profile that
 * walk was the largest single cost of a 100-contact delivery (bench/RESULTS.md, "Issue 18
 * point 5").
 *
 * `apiRequest` sends with the client's base path, token and user agent, but skips the
 * client's middleware and returns any status: so the middleware's `post` (the rate-limit
 * reader) runs here on every answer, as the generated APIs run it, and a status other than
 * 2xx throws the SDK's own `ApiException` with its parsed body and headers, as they throw it,
 * so that `hubspotError` maps both alike. A fetch failure rejects as it does there. An empty
 * answer (the 204 of a batch archive) resolves to undefined.
 */
export function hubspotApi(client: Client, middleware: readonly ResponseMiddleware[]) {
  async function send<T>(options: Parameters<Client['apiRequest']>[0]): Promise<T> {
    const response = await client.apiRequest(options);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    for (const m of middleware) m.post({ httpStatusCode: response.status, headers });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.ok && bytes.length === 0) return undefined as T;
    const mediaType = ObjectSerializer.normalizeMediaType(headers['content-type']);
    // Anything but plain JSON is parsed as the generated APIs parse it: the text of a text/*
    // answer, other JSON types, or a thrown error when there is no media type.
    const parsed =
      mediaType === 'application/json'
        ? parseJsonBytes(bytes)
        : ObjectSerializer.parse(bytes.toString('utf8'), mediaType);
    if (response.ok) return parsed as T;
    throw new ApiException(response.status, 'An error occurred.', parsed, headers);
  }
  return {
    /** POSTs `body` as JSON. */
    post<T>(path: string, body: unknown): Promise<T> {
      return send<T>({
        method: 'POST',
        path,
        // Written here (`defaultJson: false`) rather than by the SDK's `JSON.stringify`: see
        // json-bytes.ts for what a title with an em dash costs there.
        body: jsonBytes(body),
        defaultJson: false,
        headers: { 'Content-Type': 'application/json' },
      });
    },
    /** GETs `path` with `query` (lists joined by commas, as HubSpot documents them). */
    get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
      const qs = Object.keys(query).length > 0 ? { qs: query } : {};
      return send<T>({ method: 'GET', path, ...qs, defaultJson: false });
    },
  };
}
