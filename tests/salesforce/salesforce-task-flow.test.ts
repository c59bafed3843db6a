/**
 * The Task flow of the Salesforce guide, run by the emulated org: a call logged with *Log a Call*
 * (or by a dialer) is a Task created already closed, and must reach the service and count.
 */
import { describe, expect, it } from 'vitest';
import { to18 } from '../../connectors/salesforce/salesforce-id.ts';
import type { RecordTriggeredFlow } from '../emulators/salesforce-flows.ts';
import { closedAfterEach } from '../support/closed-after-each.ts';
import {
  outboundMessage,
  type SalesforceTestApp,
  startSalesforceApp,
} from '../support/salesforce-app.ts';

// Tuesday 2026-11-24, 10:00 in New York.
const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';
const REP = to18('0055g00000RepOn');
const track = closedAfterEach();

/** Step 5 of the guide: Task, created or updated, closed, on a Lead, only when it becomes so. */
const GUIDE_TASK_FLOW: RecordTriggeredFlow = {
  object: 'Task',
  trigger: 'A record is created or updated',
  conditions: [
    { field: 'IsClosed', operator: 'Equals', value: true },
    { field: 'WhoId', operator: 'Starts With', value: '00Q' },
  ],
  whenToRun: 'Only when a record is updated to meet the condition requirements',
  outboundMessageFields: ['Id', 'WhoId'],
};

/** The flow the guide used to describe: it ignores tasks created closed. */
const UPDATE_ONLY_FLOW: RecordTriggeredFlow = {
  ...GUIDE_TASK_FLOW,
  trigger: 'A record is updated',
};

const LEAD_FLOW: RecordTriggeredFlow = {
  object: 'Lead',
  trigger: 'A record is created or updated',
  conditions: [],
  whenToRun: 'Every time a record is updated and meets the condition requirements',
  outboundMessageFields: ['Id'],
};

async function org(taskFlow: RecordTriggeredFlow) {
  const t = track(await startSalesforceApp(TUESDAY_10AM));
  t.emulator.activateFlow(LEAD_FLOW);
  t.emulator.activateFlow(taskFlow);
  return t;
}

/** Salesforce delivers what the flows queued; the service must acknowledge it. */
async function deliverOutbound(t: SalesforceTestApp) {
  const queued = t.emulator.takeOutbound();
  if (queued.length === 0) return queued;
  const response = await t.outbound(outboundMessage(t.emulator.orgId, queued));
  expect(response.status, await response.clone().text()).toBe(200);
  return queued;
}

const open = (t: SalesforceTestApp, leadId: string) =>
  t.emulator
    .tasksOf(leadId)
    .filter((task) => task.IsClosed !== true)
    .map((task) => String(task.Subject).replace(/ —.*/, ''))
    .sort();

async function newLead(t: SalesforceTestApp) {
  const id = t.emulator.createLead({
    LastName: 'Doe',
    Company: 'Acme',
    Phone: '+1 212 555 0100',
    OwnerId: REP,
  });
  expect(await deliverOutbound(t)).toEqual([{ type: 'Lead', fields: { Id: id } }]);
  expect(open(t, id)).toEqual(['Call 1 of 6', 'Email 1 of 5']);
  return id;
}

/** A new lead, then 10 minutes later a call logged with *Log a Call*: a Task created closed. */
async function loggedCall(flow: RecordTriggeredFlow, CallDisposition: string) {
  const t = await org(flow);
  const id = await newLead(t);
  t.advance(10);
  const call = t.emulator.logActivity(id, {
    Subject: 'Call',
    TaskSubtype: 'Call',
    CallDisposition,
  });
  return { t, id, call, sent: await deliverOutbound(t) };
}

describe('Salesforce Task flow (guide step 5)', () => {
  it('sends a call logged closed at creation, and a connected one ends the cadence', async () => {
    const { t, id, call, sent } = await loggedCall(GUIDE_TASK_FLOW, 'Connected');
    expect(sent).toEqual([{ type: 'Task', fields: { Id: call, WhoId: id } }]);
    expect(open(t, id)).toEqual([]);
  });

  it('a logged wrong-number call, also created closed, stops the calls and keeps the emails', async () => {
    const { t, id, sent } = await loggedCall(GUIDE_TASK_FLOW, 'Wrong number');
    expect(sent).toHaveLength(1);
    expect(open(t, id)).toEqual(['Email 1 of 5']);
  });

  it('with the old update-only trigger the same logged call never reaches the service', async () => {
    const { t, id, sent } = await loggedCall(UPDATE_ONLY_FLOW, 'Connected');
    expect(sent).toEqual([]);
    expect(open(t, id)).toEqual(['Call 1 of 6', 'Email 1 of 5']);
  });

  it('sends a cadence task once when the rep completes it, not on later edits, and not when it is written', async () => {
    const t = await org(GUIDE_TASK_FLOW);
    const id = await newLead(t);
    const call1 = t.emulator.tasksOf(id).find((task) => String(task.Subject).startsWith('Call 1'));
    t.advance(5);
    t.emulator.updateTask(call1?.Id ?? '', { Status: 'Completed', CallDisposition: 'No answer' });
    expect(await deliverOutbound(t)).toEqual([
      { type: 'Task', fields: { Id: call1?.Id, WhoId: id } },
    ]);
    expect(open(t, id)).toEqual(['Call 2 of 6', 'Email 1 of 5']);
    t.emulator.updateTask(call1?.Id ?? '', { Description: 'Left a message with the assistant' });
    expect(await deliverOutbound(t)).toEqual([]);
  });
});
