import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceRecord } from '../emulators/salesforce-emulator.ts';
import { type SalesforceTestApp, startSalesforceApp } from '../support/salesforce-app.ts';

// Friday 2026-12-04, 18:00 in New York: after the team's hours, call 1 waits for Monday.
const FRIDAY_6PM = '2026-12-04T23:00:00.000Z';
// Monday 2026-12-07, 09:00 in New York (06:00 in Los Angeles) and 08:00 in Los Angeles.
const MONDAY_9AM_NY = '2026-12-07T14:00:00.000Z';
const MONDAY_8AM_LA = '2026-12-07T16:00:00.000Z';
// From Friday 18:00 to Saturday 10:00 in New York.
const TO_SATURDAY = 16 * 60;
const MOVED =
  "Moved from 06:00 to 08:00 Los Angeles time (Mon 7 Dec; 11:00 in New York): the lead's calling window changed since this task was written (the lead is now read in Los Angeles time), and 06:00 is outside it.";

let t: SalesforceTestApp;
afterEach(async () => {
  await t?.close();
});

const callTask = (id: string): SalesforceRecord | undefined =>
  t.emulator
    .tasksOf(id)
    .find((task) => String(task.Description ?? '').includes('Lead follow-up: call step'));
const writes = (from: number) =>
  t.emulator.requests
    .slice(from)
    .filter((r) => r.method !== 'GET' && !r.path.includes('oauth2'))
    .map((r) => [r.method, r.status]);

async function newLead(Phone: string): Promise<string> {
  t = await startSalesforceApp(FRIDAY_6PM);
  const id = t.emulator.createLead({ FirstName: 'Jane', LastName: 'Doe', Company: 'Acme', Phone });
  expect((await t.callout({ leadIds: [id] })).status).toBe(200);
  return id;
}

/** A rep edits the lead; the record-triggered flow calls the service. Returns its answer. */
async function edit(id: string, fields: Record<string, string>) {
  t.emulator.updateLead(id, fields);
  const res = await t.callout({ leadIds: [id] });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('Salesforce: an open call when the lead’s calling window changes', () => {
  it('moves call 1 in place to 08:00 Los Angeles when the phone is corrected to +1 213: one write, then none', async () => {
    const id = await newLead('+1 212 555 0100');
    // A copy: the emulator changes its stored records in place.
    const before = structuredClone(callTask(id));
    expect(Date.parse(String(before?.ReminderDateTime))).toBe(Date.parse(MONDAY_9AM_NY));
    t.advance(TO_SATURDAY);
    const from = t.emulator.requests.length;
    const answer = await edit(id, { Phone: '+1 213 555 0100' });
    expect(answer).toMatchObject({ rescheduled: 1, created: 0, closed: 0, completed: 0 });
    // The same task: the fields create set from the due time, the line saying why below its text.
    const after = callTask(id);
    expect(after).toEqual({
      ...before,
      ActivityDate: '2026-12-07',
      ReminderDateTime: expect.any(String),
      Description: `${before?.Description}\n\n${MOVED}`,
      LastModifiedDate: expect.any(String),
    });
    expect(Date.parse(String(after?.ReminderDateTime))).toBe(Date.parse(MONDAY_8AM_LA));
    expect(writes(from)).toEqual([['PATCH', 200]]);

    // The flow fires again: the due time is lawful now, nothing is written.
    const again = t.emulator.requests.length;
    expect(await edit(id, {})).toMatchObject({ rescheduled: 0, unchanged: 1 });
    expect(writes(again)).toEqual([]);
  });

  it('leaves a call due outside the team’s hours but inside the lead’s window where it is', async () => {
    // A Tokyo lead's window never meets the New York team's hours: call 1 is due at 08:00 in
    // Tokyo, 18:00 in New York. Read in Seoul instead (the same clock), it is as lawful.
    const id = await newLead('+81 3 1234 5678');
    const before = structuredClone(callTask(id));
    expect(before?.Description).toMatch(/Outside your hours: 08:00 in Tokyo/);
    t.advance(TO_SATURDAY);
    const from = t.emulator.requests.length;
    expect(await edit(id, { Phone: '+82 2 1234 5678' })).toMatchObject({ rescheduled: 0 });
    expect(callTask(id)).toEqual(before);
    expect(writes(from)).toEqual([]);
  });

  it('leaves a call past due alone while the lead’s window is open: the rep works it now', async () => {
    const id = await newLead('+1 212 555 0100');
    // Monday 10:30 in Los Angeles: call 1 became due at 06:00 there, and the window is open.
    t.advance(TO_SATURDAY + 51 * 60 + 30);
    const before = structuredClone(callTask(id));
    expect(await edit(id, { Phone: '+1 213 555 0100' })).toMatchObject({ rescheduled: 0 });
    expect(callTask(id)).toEqual(before);
  });
});
