import type { Client } from '@hubspot/api-client';
import { ApiException } from '@hubspot/api-client/lib/codegen/crm/objects/apis/exception.js';
import { ObjectSerializer } from '@hubspot/api-client/lib/codegen/crm/objects/models/ObjectSerializer.js';
import { jsonBytes, parseJsonBytes } from '../json-bytes.ts';

/** What a response middleware of the SDK is handed, as far as the connector's own reads it. */
export interface ResponseMiddleware {
  post(context: {
    readonly httpStatusCode: number;
    readonly headers: Record<string, string>;
  }): unknown;
}

/**
 * POSTs `body` as JSON to a documented HubSpot endpoint through the SDK's own
 * `client.apiRequest`, for the calls every delivery makes in bulk: the batch reads, the batch
 * create of tasks and the v4 association batch read. Why not the SDK's generated APIs there:
 * they walk every request and answer through their `ObjectSerializer` model by model (and turn
 * every date into a `Date` the connector turns back), and in the intake benchmark's CPU profile
 * that walk, with the copies and garbage it makes, was the largest single cost of a
 * 100-contact delivery (bench/RESULTS.md, "Issue 18 point 5"). Every other call stays on the
 * generated APIs.
 *
 * `apiRequest` sends with the client's base path, token and user agent, but skips the
 * client's middleware and returns any status: so the middleware's `post` (the rate-limit
 * reader) runs here on every answer, as the generated APIs run it, and a status other than
 * 2xx throws the SDK's own `ApiException` with its parsed body and headers, as they throw it,
 * so that `hubspotError` maps both paths alike. A fetch failure rejects as it does there.
 *
 * The endpoints (checked 2026-12-02): `POST /crm/v3/objects/{objectType}/batch/read`
 * (https://developers.hubspot.com/docs/guides/crm/using-object-apis, "Retrieve records"),
 * `POST /crm/v3/objects/tasks/batch/create`
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/activities/tasks/batch/create-tasks),
 * `POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read`
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations).
 */
export function hubspotJson(client: Client, middleware: readonly ResponseMiddleware[]) {
  return async function post<T>(path: string, body: unknown): Promise<T> {
    const response = await client.apiRequest({
      method: 'POST',
      path,
      // Written here (`defaultJson: false`) rather than by the SDK's `JSON.stringify`: see
      // json-bytes.ts for what a title with an em dash costs there.
      body: jsonBytes(body),
      defaultJson: false,
      headers: { 'Content-Type': 'application/json' },
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    for (const m of middleware) m.post({ httpStatusCode: response.status, headers });
    const bytes = Buffer.from(await response.arrayBuffer());
    const mediaType = ObjectSerializer.normalizeMediaType(headers['content-type']);
    // Anything but plain JSON is parsed as the generated APIs parse it: the text of a text/*
    // answer, other JSON types, or a thrown error when there is no media type.
    const parsed =
      mediaType === 'application/json'
        ? parseJsonBytes(bytes)
        : ObjectSerializer.parse(bytes.toString('utf8'), mediaType);
    if (response.ok) return parsed as T;
    throw new ApiException(response.status, 'An error occurred.', parsed, headers);
  };
}
