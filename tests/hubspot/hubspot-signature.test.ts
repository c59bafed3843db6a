import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { uriAsSigned, verifyHubSpotSignature } from '../../src/webhooks/hubspot-signature.ts';

// HubSpot's published examples ("Validating requests"), also in the SDK's signature tests.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const V1_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const URI = 'https://www.example.com/webhook_uri';
const V2_BODY = '{"example_field":"example_value"}';
const NOW = 1_700_000_100_000;

/** Checks a request; v1/v2 signatures count only with `legacy` (HUBSPOT_LEGACY_SIGNATURES). */
function check(
  headers: Record<string, string>,
  body: string,
  method = 'POST',
  uri = URI,
  legacy = true,
) {
  const request = { method, uri, body: Buffer.from(body), headers };
  return verifyHubSpotSignature(request, SECRET, NOW, { legacy });
}

describe('HubSpot signatures against HubSpot’s published examples', () => {
  it('accepts the v1 example (sha256 hex of secret + body)', () => {
    const signature = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';
    expect(check({ 'x-hubspot-signature': signature }, V1_BODY)).toEqual({
      ok: true,
      version: 'v1',
    });
    expect(
      check({ 'x-hubspot-signature': signature, 'x-hubspot-signature-version': 'v1' }, V1_BODY),
    ).toEqual({ ok: true, version: 'v1' });
  });

  it('accepts the v2 GET and POST examples (sha256 hex of secret + method + URI + body)', () => {
    const get = 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e';
    const post = '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900';
    const v2 = (signature: string) => ({
      'x-hubspot-signature': signature,
      'x-hubspot-signature-version': 'v2',
    });
    expect(check(v2(get), '', 'GET')).toEqual({ ok: true, version: 'v2' });
    expect(check(v2(post), V2_BODY)).toEqual({ ok: true, version: 'v2' });
    expect(check(v2(post), V2_BODY, 'POST', 'https://www.example.com/other')).toMatchObject({
      ok: false,
      code: 'invalid_signature',
    });
  });

  it('refuses v1 and v2 signatures, valid ones included, unless legacy signatures are on', () => {
    const v1 = {
      'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    };
    expect(check(v1, V1_BODY, 'POST', URI, false)).toMatchObject({
      ok: false,
      code: 'legacy_signature_refused',
    });
    const v2 = {
      'x-hubspot-signature': '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900',
      'x-hubspot-signature-version': 'v2',
    };
    expect(check(v2, V2_BODY, 'POST', URI, false)).toMatchObject({
      ok: false,
      code: 'legacy_signature_refused',
    });
    expect(
      verifyHubSpotSignature(
        { method: 'POST', uri: URI, body: Buffer.from(V1_BODY), headers: v1 },
        SECRET,
        NOW,
      ),
    ).toMatchObject({ code: 'legacy_signature_refused' });
  });

  it('accepts a v3 signature exactly when HubSpot’s own SDK computes the same one', () => {
    const timestamp = NOW - 1000;
    for (const body of [V2_BODY, V1_BODY, '[]', '[{"objectId":1,"note":"é ü 漢字"}]']) {
      const signature = Signature.getSignature('POST', 'v3', {
        clientSecret: SECRET,
        requestBody: body,
        url: URI,
        timestamp,
        signature: '',
      });
      const headers = {
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(timestamp),
      };
      expect(check(headers, body)).toMatchObject({ ok: true, version: 'v3' });
      expect(check(headers, `${body} `)).toMatchObject({ ok: false, code: 'invalid_signature' });
    }
  });

  it('matches a fixed v3 vector', () => {
    const headers = {
      'x-hubspot-signature-v3': 'rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=',
      'x-hubspot-request-timestamp': '1700000000000',
    };
    expect(check(headers, V2_BODY)).toMatchObject({ ok: true, version: 'v3' });
  });

  it('prefers v3 when both are present, so a valid v1 cannot bypass a stale v3', () => {
    const headers = {
      'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
      'x-hubspot-signature-v3': 'rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=',
      'x-hubspot-request-timestamp': String(NOW - 10 * 60_000),
    };
    expect(check(headers, V1_BODY)).toMatchObject({ ok: false, code: 'stale_signature' });
  });

  it('refuses odd headers: no timestamp, a non-numeric one, a short digest, an unknown version', () => {
    const sig = 'rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=';
    expect(check({ 'x-hubspot-signature-v3': sig }, V2_BODY)).toMatchObject({
      code: 'invalid_signature',
    });
    expect(
      check({ 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': '1e12' }, V2_BODY),
    ).toMatchObject({ code: 'invalid_signature' });
    expect(
      check(
        { 'x-hubspot-signature-v3': 'abc=', 'x-hubspot-request-timestamp': String(NOW) },
        V2_BODY,
      ),
    ).toMatchObject({ code: 'invalid_signature' });
    expect(
      check(
        { 'x-hubspot-signature': 'ab'.repeat(32), 'x-hubspot-signature-version': 'v9' },
        V1_BODY,
      ),
    ).toMatchObject({ code: 'invalid_signature' });
    expect(check({}, V1_BODY)).toMatchObject({ code: 'missing_signature' });
  });

  it('decodes the escapes HubSpot decodes before signing the URI, and no others', () => {
    expect(uriAsSigned('https://h.example.com/hook?a=%3A%2f%3F%40%21%24%27%28%29%2A%2C%3B')).toBe(
      "https://h.example.com/hook?a=:/?@!$'()*,;",
    );
    expect(uriAsSigned('https://h.example.com/hook?a=%20%26%3D')).toBe(
      'https://h.example.com/hook?a=%20%26%3D',
    );
  });
});
