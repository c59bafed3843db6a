/**
 * Property-based fuzzing of POST /webhooks/hubspot on the real server against the HubSpot
 * emulator: any body, header, query or path a sender could produce gets a 4xx with a stable code
 * (or 200 for a body that really is a delivery), never a 5xx or a dropped connection, logs no
 * secret, and no run makes the emulator record a write. What holds for every webhook route is in
 * fuzz-kit.ts, and what is sent is built in hubspot-inputs.ts; this file says what HubSpot's
 * route must answer to it.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { type HubSpotEmulator, startHubSpotEmulator } from '../emulators/hubspot-emulator.ts';
import { CLIENT_SECRET, PUBLIC_URL } from '../support/hubspot-app.ts';
import { classifyJson, describeBytes, oddHeaderText } from './fuzz-arbitraries.ts';
import { describeFuzzTarget, type FuzzRequest } from './fuzz-kit.ts';
import { expectRefusal, jsonErrorCode } from './fuzz-wire.ts';
import {
  anyBody,
  DELIVERY,
  expectedSignatureCode,
  JSON_TYPE,
  ROUTE,
  SIGNATURE_CODES,
  signatureHeaders,
  signed,
} from './hubspot-inputs.ts';

/** Writes to HubSpot: batch create/update/archive (objects and associations), PATCH, DELETE. */
const isWrite = (r: { method: string; path: string }) =>
  r.method === 'DELETE' ||
  r.method === 'PATCH' ||
  r.method === 'PUT' ||
  (r.method === 'POST' && /\/batch\/(create|update|archive|upsert)\b/.test(r.path));

// ---------------------------------------------------------------------------------------------

describeFuzzTarget<HubSpotEmulator>(
  'HubSpot webhook fuzzing (POST /webhooks/hubspot)',
  {
    route: ROUTE,
    async start(clock) {
      const emulator = await startHubSpotEmulator({ now: clock });
      const env = {
        CRM: 'hubspot',
        HUBSPOT_API_BASE_URL: emulator.url,
        HUBSPOT_ACCESS_TOKEN: emulator.token,
        HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
        PUBLIC_URL,
      };
      return { emulator, env, secrets: [CLIENT_SECRET, emulator.token] };
    },
    isWrite,
  },
  (target) => {
    target.itFuzzes(
      'answers 400 (or 200 for a real delivery) to any correctly signed body, and writes nothing',
      {
        inputs: anyBody,
        seed: 0x5ca1ab1e,
        numRuns: 300,
        // The generators reach every outcome, deliveries that call the CRM included.
        reaches: [
          '200 empty',
          '200 with events',
          'invalid_encoding',
          'invalid_json',
          'validation_failed',
        ],
        crm: 'called',
        async check(body, seen) {
          const headers = signed(body);
          const secrets = [headers['x-hubspot-signature-v3'] ?? ''];
          const req: FuzzRequest = { path: ROUTE, headers, body, secrets };
          const res = await target.run(req);
          const expected = classifyJson(body);
          const what = `body ${describeBytes(body)}`;
          if (res.status !== 200) {
            seen.add(await target.expectJsonRefusal(req, res, expected.kind, what));
            return;
          }
          // Only a JSON array of events can be a delivery.
          expect(expected.kind, what).toBe('json');
          const value = expected.kind === 'json' ? expected.value : undefined;
          expect(Array.isArray(value), what).toBe(true);
          const summary = JSON.parse(res.text) as { events: number; signature: string };
          expect(summary.events, what).toBe((value as unknown[]).length);
          expect(summary.signature).toBe('v3');
          seen.add(summary.events > 0 ? '200 with events' : '200 empty');
        },
      },
    );

    target.itFuzzes(
      'answers 401 with missing/invalid/stale_signature to any odd signature or timestamp',
      {
        inputs: signatureHeaders,
        seed: 0x0badf00d,
        numRuns: 300,
        reaches: SIGNATURE_CODES,
        // Nothing that fails the signature check reaches HubSpot, not even a read.
        crm: 'untouched',
        async check(h, seen) {
          const req: FuzzRequest = {
            path: ROUTE,
            headers: {
              ...JSON_TYPE,
              'x-hubspot-signature-v3': h.v3,
              'x-hubspot-request-timestamp': h.timestamp,
              'x-hubspot-signature': h.legacy,
              'x-hubspot-signature-version': h.version,
            },
            body: DELIVERY,
          };
          const res = await target.run(req);
          const what = JSON.stringify(h);
          const code = expectRefusal(res, [401], jsonErrorCode, what);
          expect(SIGNATURE_CODES, what).toContain(code);
          expect(code, what).toBe(expectedSignatureCode(h));
          seen.add(code);
          await target.expectSameAnswer(req, { status: 401, code }, jsonErrorCode, what);
        },
      },
    );

    const contentType = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'application/json; charset',
        'application/json;;',
        'application/json, text/plain',
        'text/xml/x',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        '*/*',
        '',
        ';',
        'application/json; charset="utf-8',
      ),
      oddHeaderText,
    );
    target.itAnswers4xx(
      'answers a 2xx or a 4xx, never a 5xx, whatever the Content-Type of a signed delivery',
      {
        inputs: fc.tuple(contentType, fc.constantFrom('[]', DELIVERY, '{')),
        seed: 0xc0ffee,
        numRuns: 100,
        probe: ([type, body]) => ({
          headers: { ...signed(body), 'content-type': type },
          body,
          label: `content-type ${JSON.stringify(type)}, body ${body}`,
          mayPass: true,
        }),
      },
    );

    target.itIgnoresOddHeaders(
      'answers 400 invalid_json to a signed non-JSON body whatever other headers come with it',
      fc.constant('{'),
      (body) => ({
        headers: signed(body),
        body,
        label: 'signed',
        status: 400,
        code: 'invalid_json',
        codeOf: jsonErrorCode,
      }),
    );

    // Unsigned ones are refused with 401 before their body is read (the signature property).
    target.itRefusesHugeBodies(
      'answers 413 body_too_large to a signed body over 1 MiB, sized or chunked',
      fc.constantFrom('[', '1,', ' ', '\u00e9', '\uFFFF', 'x').map((fill) => ({ fill })),
      (_variant, body) => ({ headers: signed(body), label: 'signed', codeOf: jsonErrorCode }),
    );

    // A signed, valid delivery may well be accepted on any of these; everything else is refused.
    target.itAnswers4xxToOddQueries(
      fc.tuple(fc.constantFrom('garbage', '{', DELIVERY), fc.boolean()),
      (path, [body, sign]) => ({
        headers: sign ? signed(body, path) : JSON_TYPE,
        body,
        label: `signed ${sign} body ${body}`,
        mayPass: sign && body === DELIVERY,
      }),
    );

    // One kind of request (no variants), signed for the very path sent: the signature is never
    // what gets it refused.
    const signedBrace = (path: string) => ({
      headers: signed('{', path),
      body: '{',
      label: 'signed',
    });
    target.itAnswers4xxToOddPaths(fc.constant(undefined), signedBrace);
    target.itAnswers4xxToRawBytes(fc.constant(undefined), signedBrace);
  },
);
