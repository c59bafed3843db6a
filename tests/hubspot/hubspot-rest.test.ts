import { Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubspotApi } from '../../connectors/hubspot/hubspot.rest.ts';
import {
  type Fault,
  type HubSpotEmulator,
  startHubSpotEmulator,
} from '../emulators/hubspot-emulator.ts';

/** What the middleware saw, and what the call ended with, with the parts that vary removed. */
interface Seen {
  readonly answers: { status: number; limits: Record<string, string | undefined> }[];
  readonly outcome: unknown;
  /** `X-HubSpot-RateLimit-Remaining` of the first answer. */
  readonly left?: number;
}

const LIMIT_HEADERS = [
  'x-hubspot-ratelimit-max',
  'x-hubspot-ratelimit-remaining',
  'x-hubspot-ratelimit-interval-milliseconds',
  'x-hubspot-ratelimit-daily',
  'x-hubspot-ratelimit-daily-remaining',
  'retry-after',
  'content-type',
];
/** The counters of what is left move on between the two calls; the rest must be equal. */
const COUNTERS = new Set(['x-hubspot-ratelimit-remaining', 'x-hubspot-ratelimit-daily-remaining']);
const pick = (headers: Record<string, string> = {}) =>
  Object.fromEntries(
    LIMIT_HEADERS.map((name) => [
      name,
      COUNTERS.has(name) && headers[name] !== undefined ? 'counted' : headers[name],
    ]),
  );

/** A thrown error as `hubspotError` reads it: status, body (less its random id), headers. */
function failureOf(error: unknown) {
  const e = error as { code?: unknown; body?: unknown; headers?: Record<string, string> };
  const body =
    e.body && typeof e.body === 'object' ? { ...e.body, correlationId: undefined } : e.body;
  return { failed: true, code: e.code, body, headers: pick(e.headers) };
}

describe('HubSpot batch calls through apiRequest answer like the generated APIs', () => {
  let emulator: HubSpotEmulator;
  let contact: string;
  beforeEach(async () => {
    // The generated APIs call the legacy v3 path; both ways call it here, to compare like with like.
    emulator = await startHubSpotEmulator({ legacyApi: true });
    contact = emulator.createContact({ firstname: 'Ann', lastname: 'Lee — Ltd' });
  });
  afterEach(async () => {
    await emulator.close();
  });

  /** One call by each path, on a fresh client each, with the same fault queued for each. */
  async function bothWays(fault?: Fault, token = emulator.token): Promise<[Seen, Seen]> {
    const run = async (via: 'sdk' | 'rest'): Promise<Seen> => {
      const answers: Seen['answers'] = [];
      let left: number | undefined;
      const middleware = {
        pre: (context: unknown) => context,
        post(context: unknown) {
          const { httpStatusCode, headers } = context as {
            httpStatusCode: number;
            headers: Record<string, string>;
          };
          answers.push({ status: httpStatusCode, limits: pick(headers) });
          left ??= Number(headers['x-hubspot-ratelimit-remaining']);
          return context;
        },
      };
      const client = new Client({
        accessToken: token,
        basePath: emulator.url,
        numberOfApiCallRetries: 0,
        middleware: [middleware],
      });
      if (fault) emulator.failNext(fault);
      const request = {
        inputs: [{ id: contact }, { id: '424242' }],
        properties: ['firstname', 'lastname'],
        propertiesWithHistory: [],
      };
      const outcome = await (via === 'sdk'
        ? client.crm.contacts.batchApi.read(request)
        : hubspotApi(client, [middleware]).post('/crm/v3/objects/contacts/batch/read', request)
      ).then((page) => {
        const { results, errors } = page as {
          results: { id: string; properties: Record<string, string> }[];
          errors?: { category: string }[];
        };
        return {
          results: results.map((r) => [r.id, r.properties.firstname, r.properties.lastname]),
          errors: errors?.map((e) => e.category),
        };
      }, failureOf);
      return { answers, outcome, ...(left === undefined ? {} : { left }) };
    };
    return [await run('sdk'), await run('rest')];
  }

  it('a 207 with a missing record: the same records and errors, the same limits read', async () => {
    const [sdk, rest] = await bothWays();
    expect({ ...rest, left: 0 }).toEqual({ ...sdk, left: 0 });
    // The second call sees one request more in the window: the real counter was read.
    expect(rest.left).toBe((sdk.left ?? 0) - 1);
    expect(rest.outcome).toEqual({
      results: [[contact, 'Ann', 'Lee — Ltd']],
      errors: ['OBJECT_NOT_FOUND'],
    });
    expect(rest.answers[0]?.limits['x-hubspot-ratelimit-max']).toBe('190');
  });

  it.each<[string, Fault]>([
    ['the ten-secondly 429', { kind: 'rate_limit' }],
    ['a daily 429 with Retry-After', { kind: 'rate_limit', policy: 'DAILY', retryAfter: 30 }],
    ['a secondly 429', { kind: 'rate_limit', policy: 'SECONDLY' }],
    ['a 503', { kind: 'status', status: 503 }],
  ])('%s: the same status, body and headers thrown, the same answer read', async (_, fault) => {
    const [sdk, rest] = await bothWays(fault);
    expect({ ...rest, left: 0 }).toEqual({ ...sdk, left: 0 });
    expect(rest.outcome).toMatchObject({ failed: true });
    expect(rest.answers).toHaveLength(1);
  });

  it('a 401 for a wrong token: the same failure', async () => {
    const [sdk, rest] = await bothWays(undefined, 'pat-wrong');
    expect(rest).toEqual(sdk);
    expect(rest.outcome).toMatchObject({ failed: true, code: 401 });
  });

  it('a dropped connection: both reject without a status, and no answer is read', async () => {
    const [sdk, rest] = await bothWays({ kind: 'reset' });
    expect(sdk.outcome).toMatchObject({ failed: true, code: undefined });
    expect(rest.outcome).toMatchObject({ failed: true, code: undefined });
    expect([sdk.answers, rest.answers]).toEqual([[], []]);
  });
});
