import { afterEach, describe, expect, it } from 'vitest';
import { LEAD_STATUS_OPTIONS } from '../emulators/hubspot-properties.ts';
import { captureLogs, refusedStart, warningsOf } from '../support/captured-logs.ts';
import { contactCreated, type HubSpotTestApp, startHubSpotApp } from '../support/hubspot-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const PROPERTY_READ = '/crm/properties/2026-09/contacts/hs_lead_status';

let t: HubSpotTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The message start-up stops with, or a failure when it starts. */
const refusal = (...args: Parameters<typeof startHubSpotApp>) =>
  refusedStart(() => startHubSpotApp(...args));

describe('HubSpot start-up checks the lead statuses against hs_lead_status', () => {
  it('stops on a status HubSpot does not have, naming the variable, the status and its values', async () => {
    const message = await refusal(TUESDAY_10AM, {
      HUBSPOT_OPEN_LEAD_STATUSES: 'NEW,OPEN,ATTEMPTED',
    });
    expect(message).toContain(
      `HUBSPOT_OPEN_LEAD_STATUSES: "ATTEMPTED" is not a value of HubSpot's contact property hs_lead_status, whose values are "NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"`,
    );
    expect(message).not.toContain('"NEW" is not');
  });

  it('stops on a typo in the report variable HUBSPOT_CONTACTED_LEAD_STATUSES too', async () => {
    const message = await refusal(TUESDAY_10AM, {
      HUBSPOT_CONTACTED_LEAD_STATUSES: 'CONECTED,IN_PROGRESS',
    });
    expect(message).toMatch(/HUBSPOT_CONTACTED_LEAD_STATUSES: "CONECTED" is not a value/);
    expect(message).not.toContain('HUBSPOT_OPEN_LEAD_STATUSES');
  });

  it('stops on a label configured instead of the internal value, and says whose label it is', async () => {
    const message = await refusal(
      TUESDAY_10AM,
      { HUBSPOT_OPEN_LEAD_STATUSES: 'NEW,Callback' },
      {
        prepare: (emulator) =>
          emulator.setContactPropertyOptions('hs_lead_status', [
            ...LEAD_STATUS_OPTIONS,
            { value: 'call_back_requested', label: 'Callback' },
          ]),
      },
    );
    expect(message).toContain('"Callback" is the label of "call_back_requested"');
  });

  it('starts with the right values in another case, having read the property once, not per delivery', async () => {
    t = await startHubSpotApp(TUESDAY_10AM, {
      HUBSPOT_OPEN_LEAD_STATUSES: 'new,Open,attempted_to_contact',
    });
    const id = t.emulator.createContact({ firstname: 'Jane', hubspot_owner_id: '101' });
    expect((await t.deliver([contactCreated(id)])).status).toBe(200);
    expect((await t.deliver([contactCreated(id)])).status).toBe(200);
    expect(t.emulator.tasksOf(id)).toHaveLength(2);
    const reads = t.startup.filter((r) => r.path === PROPERTY_READ);
    expect(reads).toEqual([expect.objectContaining({ method: 'GET', status: 200 })]);
    expect(t.emulator.requests.filter((r) => r.path === PROPERTY_READ)).toEqual([]);
  });

  it('starts on a hidden option, with a warning that no contact can be given it', async () => {
    const logs = captureLogs();
    t = await startHubSpotApp(
      TUESDAY_10AM,
      {},
      {
        logger: logs.logger,
        prepare: (emulator) =>
          emulator.setContactPropertyOptions(
            'hs_lead_status',
            LEAD_STATUS_OPTIONS.map((o) =>
              o.value === 'ATTEMPTED_TO_CONTACT' ? { ...o, hidden: true } : o,
            ),
          ),
      },
    );
    expect(warningsOf(logs.take()).map((l) => l.msg)).toEqual([
      `HUBSPOT_OPEN_LEAD_STATUSES: "ATTEMPTED_TO_CONTACT" is hidden in HubSpot's contact property hs_lead_status: leads that still hold it are read with it, but no lead can be given it now`,
    ]);
  });

  it('starts unchecked with a warning when the token may not read the property (403 MISSING_SCOPES)', async () => {
    const logs = captureLogs();
    t = await startHubSpotApp(
      TUESDAY_10AM,
      { HUBSPOT_OPEN_LEAD_STATUSES: 'NEW,ATTEMPTED' },
      { logger: logs.logger, scopes: ['oauth', 'sales-email-read'] },
    );
    const [warning] = warningsOf(logs.take());
    expect(warning?.msg).toMatch(
      /^HUBSPOT_OPEN_LEAD_STATUSES, HUBSPOT_CONTACTED_LEAD_STATUSES: not checked against HubSpot's contact property hs_lead_status, which could not be read \(HubSpot read of the contact property hs_lead_status failed with 403: This app hasn't been granted all required scopes/,
    );
    const reads = t.startup.filter((r) => r.path === PROPERTY_READ);
    expect(reads.map((r) => r.status)).toEqual([403]);
  });
});
