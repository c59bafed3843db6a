/**
 * Property-based fuzzing of POST /webhooks/salesforce on the real server against the Salesforce
 * emulator: outbound messages (SOAP) and Flow/Apex callouts (JSON + bearer token). Any body,
 * header, query or path a sender could produce gets a 4xx with a stable code (a SOAP Client
 * fault for XML), or 200 for a message that really is valid, never a 5xx or a dropped
 * connection; no secret is logged, and no run makes the emulator record a write. What holds for
 * every webhook route is in fuzz-kit.ts, and what is sent is built in salesforce-inputs.ts; this
 * file says what Salesforce's route must answer to it, in both forms (SOAP fault and JSON).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { OUTBOUND_NS } from '../../src/webhooks/salesforce-outbound.ts';
import {
  type SalesforceEmulator,
  startSalesforceEmulator,
} from '../emulators/salesforce-emulator.ts';
import { OUTBOUND_TOKEN, WEBHOOK_TOKEN } from '../support/salesforce-app.ts';
import { classifyJson, describeBytes, oddHeaderText } from './fuzz-arbitraries.ts';
import { describeFuzzTarget, type FuzzRequest } from './fuzz-kit.ts';
import { expectRefusal, jsonErrorCode, soapFaultCode } from './fuzz-wire.ts';
import {
  authorization,
  bearer,
  calloutBody,
  expectedSoapCode,
  FUZZ_SECRET,
  isOurOrg,
  ORG,
  OUTBOUND_PATH,
  ourLeadMessage,
  outboundQuery,
  SOAP_ENV_NS,
  soapBody,
  XML,
} from './salesforce-inputs.ts';

const OUTBOUND_CODES = [
  'invalid_encoding',
  'invalid_xml',
  'xml_doctype_forbidden',
  'invalid_outbound_message',
  'wrong_organization',
];
const ACK = '<Ack>true</Ack>';
const ROUTE = '/webhooks/salesforce';

/** Writes to Salesforce: POST/PATCH/DELETE on sObject collections or single sObjects. */
const isWrite = (r: { method: string; path: string }) =>
  ['POST', 'PATCH', 'PUT', 'DELETE'].includes(r.method) &&
  (r.path.includes('/composite/sobjects') || r.path.includes('/sobjects/'));

// ---------------------------------------------------------------------------------------------

describeFuzzTarget<SalesforceEmulator>(
  'Salesforce webhook fuzzing (POST /webhooks/salesforce)',
  {
    route: ROUTE,
    async start(clock) {
      const emulator = await startSalesforceEmulator({ now: clock });
      expect(emulator.orgId).toBe(ORG);
      const env = {
        CRM: 'salesforce',
        SALESFORCE_INSTANCE_URL: emulator.url,
        SALESFORCE_ACCESS_TOKEN: emulator.accessToken,
        SALESFORCE_ORG_ID: emulator.orgId,
        SALESFORCE_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
        SALESFORCE_OUTBOUND_TOKEN: OUTBOUND_TOKEN,
      };
      const secrets = [WEBHOOK_TOKEN, OUTBOUND_TOKEN, emulator.accessToken, emulator.clientSecret];
      return { emulator, env, secrets };
    },
    isWrite,
  },
  (target) => {
    target.itFuzzes(
      'refuses any malformed, foreign or hostile outbound message with a SOAP Client fault',
      {
        inputs: soapBody,
        seed: 0x50a9,
        numRuns: 300,
        // The generators reach every outcome, acknowledged messages (with CRM reads) included.
        reaches: ['200', ...OUTBOUND_CODES],
        crm: 'called',
        async check({ bytes, org }, seen) {
          const req: FuzzRequest = { path: OUTBOUND_PATH, headers: XML, body: bytes };
          const res = await target.run(req);
          const what = `body ${describeBytes(bytes)}`;
          const expected = expectedSoapCode(bytes);
          if (res.status === 200) {
            // Only a well-formed message from this org is acknowledged.
            expect(expected, what).toBeUndefined();
            expect(org !== undefined && isOurOrg(org), what).toBe(true);
            expect(res.text, what).toContain(ACK);
            seen.add('200');
            return;
          }
          const code = expectRefusal(res, [400, 403], soapFaultCode, what);
          expect(OUTBOUND_CODES, what).toContain(code);
          if (expected !== undefined) expect(code, what).toBe(expected);
          if (res.status === 403) {
            expect(code, what).toBe('wrong_organization');
            expect(org !== undefined && isOurOrg(org), what).toBe(false);
          }
          seen.add(code);
          await target.expectSameAnswer(req, { status: res.status, code }, soapFaultCode, what);
        },
      },
    );

    target.itFuzzes(
      'answers 400 (or 200 for ids that exist nowhere) to any callout body with the right token',
      {
        inputs: calloutBody,
        seed: 0xca11,
        numRuns: 300,
        reaches: ['200', 'invalid_encoding', 'invalid_json', 'validation_failed'],
        async check(body, seen) {
          const req: FuzzRequest = { path: ROUTE, headers: bearer(), body };
          const res = await target.run(req);
          const what = `body ${describeBytes(body)}`;
          const expected = classifyJson(body);
          if (res.status !== 200) {
            seen.add(await target.expectJsonRefusal(req, res, expected.kind, what));
            return;
          }
          expect(expected.kind, what).toBe('json');
          const totals = JSON.parse(res.text) as Record<string, number>;
          expect(totals.created, what).toBe(0);
          seen.add('200');
        },
      },
    );

    target.itFuzzes(
      'answers 401 invalid_token to any Authorization header but the right bearer token',
      {
        inputs: authorization,
        seed: 0x401,
        numRuns: 200,
        // Nothing refused at the door reaches Salesforce, not even a read.
        crm: 'untouched',
        async check(auth) {
          const sent = typeof auth === 'string' || auth === undefined ? [auth] : auth;
          const res = await target.run({
            path: ROUTE,
            headers: { 'content-type': 'application/json', authorization: auth },
            body: JSON.stringify({ leadIds: ['00Q5g0000000001'] }),
            secrets: sent.filter((v): v is string => v?.includes(FUZZ_SECRET) === true),
          });
          const what = `authorization ${JSON.stringify(auth)}`;
          expect(expectRefusal(res, [401], jsonErrorCode, what), what).toBe('invalid_token');
        },
      },
    );

    target.itFuzzes(
      'answers 401 invalid_token to an outbound message from this org without the right URL token',
      {
        inputs: outboundQuery,
        seed: 0x70c3,
        numRuns: 150,
        // Refused before the body is read: nothing reaches Salesforce, not even a read.
        crm: 'untouched',
        async check(query) {
          const what = `query ${JSON.stringify(query)}`;
          const res = await target.run({
            path: `${ROUTE}${query}`,
            headers: XML,
            body: ourLeadMessage,
            secrets: query.includes(FUZZ_SECRET) ? [query] : [],
          });
          expect(expectRefusal(res, [401], soapFaultCode, what), what).toBe('invalid_token');
        },
      },
    );

    const contentType = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        'text/xml',
        'text/xml; charset=utf-8',
        'TEXT/XML; CHARSET=UTF-8',
        'application/soap+xml',
        'application/xml',
        'application/json',
        'application/json; charset=utf-8',
        'text/xml; charset',
        'text/xml;;',
        'text/xml; charset="utf-8',
        'text/xml, application/json',
        'application/json, text/xml',
        'text/xml/x',
        'text/xmlx',
        'x-text/xml',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        '*/*',
        '',
        ';',
      ),
      oddHeaderText,
      oddHeaderText.map((s) => `text/xml${s}`),
      oddHeaderText.map((s) => `${s}text/xml`),
    );
    // None may pass: the one envelope is from another org, and no request has the right token.
    const foreign = `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body><notifications xmlns="${OUTBOUND_NS}"><OrganizationId>00D000000000001</OrganizationId></notifications></soapenv:Body></soapenv:Envelope>`;
    const bodies = fc.constantFrom(foreign, '{"leadIds":["00Q5g0000000001"]}', '<a/>', '{');
    target.itAnswers4xx('answers a 4xx, never a 5xx, whatever the Content-Type', {
      inputs: fc.tuple(contentType, bodies, fc.boolean()),
      seed: 0x415,
      numRuns: 150,
      probe: ([type, body, token]) => ({
        headers: {
          'content-type': type,
          ...(token ? { authorization: 'Bearer not-the-token' } : {}),
        },
        body,
        label: `content-type ${JSON.stringify(type)}, body ${body.slice(0, 40)}`,
      }),
    });

    target.itIgnoresOddHeaders(
      'answers 400 invalid_xml / 401 invalid_token whatever other headers come with a request',
      fc.boolean(),
      (xml) =>
        xml
          ? {
              path: OUTBOUND_PATH,
              headers: XML,
              body: '<a>',
              label: 'xml',
              status: 400,
              code: 'invalid_xml',
              codeOf: soapFaultCode,
            }
          : {
              headers: bearer('wrong-token'),
              body: '{}',
              label: 'json',
              status: 401,
              code: 'invalid_token',
              codeOf: jsonErrorCode,
            },
    );

    target.itRefusesHugeBodies(
      'answers 413 body_too_large to an outbound message or callout over 1 MiB',
      fc
        .tuple(fc.constantFrom('xml', 'json'), fc.constantFrom('<a>', ' ', '\u00e9', 'x', '1,'))
        .map(([kind, fill]) => ({ kind, fill })),
      ({ kind }) =>
        kind === 'xml'
          ? { path: OUTBOUND_PATH, headers: XML, label: 'xml', codeOf: soapFaultCode }
          : { headers: bearer(), label: 'json', codeOf: jsonErrorCode },
    );

    const foreignMessage = `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body><notifications xmlns="${OUTBOUND_NS}"><OrganizationId>00D000000000001</OrganizationId><Notification/></notifications></soapenv:Body></soapenv:Envelope>`;
    target.itAnswers4xxToOddQueries(
      fc.constantFrom(
        { headers: XML, body: foreignMessage },
        { headers: XML, body: '<a>' },
        { headers: bearer('wrong'), body: '{"leadIds":["00Q5g0000000001"]}' },
        { headers: bearer(), body: '{"leadIds":[]}' },
      ),
      (_path, { headers, body }) => ({ headers, body, label: body.slice(0, 30) }),
    );

    // '<a>' is neither an outbound message nor JSON: refused as XML and as a callout alike.
    const xmlOrCallout = (_path: string, xml: boolean) => ({
      headers: xml ? XML : bearer(),
      body: '<a>',
      label: xml ? 'xml' : 'json',
    });
    target.itAnswers4xxToOddPaths(fc.boolean(), xmlOrCallout);
    target.itAnswers4xxToRawBytes(fc.boolean(), xmlOrCallout);
  },
);
