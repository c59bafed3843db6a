import { afterEach, describe, expect, it } from 'vitest';
import { LEAD_STATUSES } from '../emulators/salesforce-emulator.ts';
import { captureLogs, refusedStart, warningsOf } from '../support/captured-logs.ts';
import { type SalesforceTestApp, startSalesforceApp } from '../support/salesforce-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const DESCRIBE = '/services/data/v65.0/sobjects/Lead/describe';

let t: SalesforceTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The message start-up stops with, or a failure when it starts. */
const refusal = (...args: Parameters<typeof startSalesforceApp>) =>
  refusedStart(() => startSalesforceApp(...args));

const active = (value: string, label = value) => ({ value, label, active: true });

describe('Salesforce start-up checks the lead statuses against the Lead Status picklist', () => {
  it('stops on a status the org does not have, naming the variable, the status and its values', async () => {
    const message = await refusal(TUESDAY_10AM, {
      SALESFORCE_OPEN_LEAD_STATUSES: 'Open-Not Contacted,Working - Contacted',
    });
    expect(message).toContain(
      `SALESFORCE_OPEN_LEAD_STATUSES: "Open-Not Contacted" is not a value of Salesforce's Lead Status picklist, whose values are ${LEAD_STATUSES.map((s) => JSON.stringify(s)).join(', ')}`,
    );
  });

  it('stops on a typo in the report variable SALESFORCE_CONTACTED_LEAD_STATUSES too, with client credentials', async () => {
    const message = await refusal(
      TUESDAY_10AM,
      { SALESFORCE_CONTACTED_LEAD_STATUSES: 'Working - Contacted,Contacted' },
      'client_credentials',
    );
    expect(message).toMatch(/SALESFORCE_CONTACTED_LEAD_STATUSES: "Contacted" is not a value/);
  });

  it('stops on a label configured instead of the API value, and says whose label it is', async () => {
    const message = await refusal(
      TUESDAY_10AM,
      { SALESFORCE_OPEN_LEAD_STATUSES: 'New,Working' },
      'token',
      {
        prepare: (emulator) =>
          emulator.setLeadStatuses([
            active('Open - Not Contacted', 'New'),
            active('Working'),
            active('Closed - Converted'),
          ]),
      },
    );
    expect(message).toContain('"New" is the label of "Open - Not Contacted"');
    expect(message).not.toContain('"Working" is not');
  });

  it('starts with the right values in another case, having described Lead once', async () => {
    t = await startSalesforceApp(TUESDAY_10AM, {
      SALESFORCE_OPEN_LEAD_STATUSES: 'open - not contacted,WORKING - CONTACTED',
    });
    const describes = t.startup.filter((r) => r.path === DESCRIBE);
    expect(describes).toEqual([expect.objectContaining({ method: 'GET', status: 200 })]);
  });

  it('starts on an inactive value, with a warning that no lead can be given it', async () => {
    const logs = captureLogs();
    t = await startSalesforceApp(TUESDAY_10AM, {}, 'token', {
      logger: logs.logger,
      prepare: (emulator) =>
        emulator.setLeadStatuses([
          active('Open - Not Contacted'),
          { value: 'Working - Contacted', label: 'Working - Contacted', active: false },
          active('Working'),
          active('Closed - Converted'),
        ]),
    });
    expect(warningsOf(logs.take()).map((l) => l.msg)).toEqual([
      `SALESFORCE_OPEN_LEAD_STATUSES: "Working - Contacted" is inactive in Salesforce's Lead Status picklist: leads that still hold it are read with it, but no lead can be given it now`,
      `SALESFORCE_CONTACTED_LEAD_STATUSES: "Working - Contacted" is inactive in Salesforce's Lead Status picklist: leads that still hold it are read with it, but no lead can be given it now`,
    ]);
  });

  it('starts unchecked with a warning when the integration user cannot see Lead Status', async () => {
    const logs = captureLogs();
    t = await startSalesforceApp(
      TUESDAY_10AM,
      { SALESFORCE_OPEN_LEAD_STATUSES: 'Open-Not Contacted' },
      'token',
      { logger: logs.logger, prepare: (emulator) => emulator.hideField('Lead', 'Status') },
    );
    const [warning] = warningsOf(logs.take());
    expect(warning?.msg).toMatch(
      /^SALESFORCE_OPEN_LEAD_STATUSES, SALESFORCE_CONTACTED_LEAD_STATUSES: not checked against Salesforce's Lead Status picklist, which could not be read \(Salesforce describe of Lead failed \(NO_STATUS_PICKLIST\): the Lead describe has no Status picklist this user can see\)/,
    );
    expect(t.startup.filter((r) => r.path === DESCRIBE)).toHaveLength(1);
  });
});
