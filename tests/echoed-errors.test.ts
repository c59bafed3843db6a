import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CrmError } from '../connectors/crm-connector.port.ts';
import { HttpError, registerErrorHandling } from '../src/http/errors.ts';
import { ECHOED_TEXT_MAX, echoed } from '../src/http/mask.ts';
import { soapFault } from '../src/webhooks/salesforce-outbound.ts';
import { closedAfterEach } from './support/closed-after-each.ts';

const track = closedAfterEach();

/** What HubSpot answers a write it refuses: its message quotes the values it was sent. */
const HUBSPOT_REFUSAL =
  'HubSpot create tasks failed with 400: Property values were not valid: [{"isValid":false,"message":"jane.doe@example.com was not a valid value for owner +1 212 555 0100","error":"INVALID_OPTION"}]';

describe('error answers echo no contact details', () => {
  it('mask emails, phone numbers and URL tokens in a CRM’s message and in issues', async () => {
    const app = track(Fastify());
    registerErrorHandling(app);
    app.get('/crm', async () => {
      throw new CrmError(HUBSPOT_REFUSAL, { code: 'crm_rejected', retryable: false });
    });
    app.get('/issues', async () => {
      throw new HttpError(400, 'validation_failed', 'Invalid lead', [
        { path: 'email', message: 'jane.doe@example.com is taken, see /x?token=s3cr3t' },
      ]);
    });
    const crm = await app.inject('/crm');
    expect(crm.statusCode).toBe(502);
    expect(crm.json().error.code).toBe('crm_rejected');
    expect(crm.json().error.message).toContain('[email] was not a valid value for owner [phone]');
    const issues = (await app.inject('/issues')).json().error.issues;
    expect(issues).toEqual([
      { path: 'email', message: '[email] is taken, see /x?token=[redacted]' },
    ]);
  });

  it('mask a SOAP fault’s message the same way', () => {
    const fault = soapFault('Server', 'crm_rejected', HUBSPOT_REFUSAL);
    expect(fault).not.toContain('jane.doe');
    expect(fault).not.toContain('555 0100');
  });

  it('mask an address the cut runs through, and cost the same for a message quoting 1 MiB', () => {
    const straddling = `${'x '.repeat((ECHOED_TEXT_MAX - 10) / 2)}jane.doe@example.com and more`;
    expect(echoed(straddling)).not.toContain('jane');
    const huge = `<${'a'.repeat(1024 * 1024)}> jane@example.com`;
    const shown = echoed(huge);
    expect(shown.length).toBeLessThan(ECHOED_TEXT_MAX + 40);
    expect(shown).toMatch(/^<a+…\[\d+ more chars]$/);
    expect(echoed('Not found')).toBe('Not found');
  });
});
