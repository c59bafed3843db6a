import { afterEach, describe, expect, it } from 'vitest';
import {
  cadenceTaskFrom,
  type SalesforceTask,
} from '../../connectors/salesforce/salesforce.mapping.ts';
import { seededRandom } from '../emulators/emulator-kit.ts';
import type { SalesforceFault } from '../emulators/salesforce-emulator.ts';
import {
  deliverUntilAcknowledged,
  inParallel,
  newStats,
  randomBatches,
} from '../support/redelivery.ts';
import {
  outboundMessage,
  type SalesforceTestApp,
  startSalesforceApp,
} from '../support/salesforce-app.ts';
import { AFTER_CALL_1, CALL_1, FIRST_STEPS, TUESDAY_10AM } from './expected.ts';

const REP = '0055g00000RepAAAAA';
const LEADS = 200;
/** Salesforce redelivers an outbound message until it is acknowledged (for up to 24 hours). */
const UNTIL_ACKNOWLEDGED = 60;

/** Every fault the issue names, and a collection write that fails on a locked row. */
const FAULTS: SalesforceFault[] = [
  { kind: 'request_limit' },
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503 },
  { kind: 'reset' },
  { kind: 'slow', ms: 1300 },
  { kind: 'lost_response' },
  { kind: 'locked' },
];

let t: SalesforceTestApp;
afterEach(async () => {
  await t?.close();
});

/** The lead's cadence tasks as "step:status", sorted: twins show up as repeats. */
function cadenceOf(leadId: string): string[] {
  return t.emulator
    .tasksOf(leadId)
    .flatMap((task) => cadenceTaskFrom(task as unknown as SalesforceTask) ?? [])
    .map((task) => `${task.step}:${task.status}`)
    .sort();
}

describe('Salesforce under faults, with redelivery as Salesforce does it', () => {
  it('gives every lead exactly its cadence tasks: none missing, no twin', async () => {
    // No client-side rate limit here: shedding has its own test (rate-limits.test.ts).
    t = await startSalesforceApp(
      TUESDAY_10AM,
      { WEBHOOK_DEADLINE_MS: '1000', CRM_RATE_LIMIT: '0' },
      'client_credentials',
    );
    const random = seededRandom(20261124);
    const ids = Array.from({ length: LEADS }, (_, i) =>
      t.emulator.createLead({ LastName: `Lead${i}`, Company: 'Fault', OwnerId: REP }),
    );
    t.emulator.failRandomly(0.15, FAULTS, 11);
    const message = (notifications: Parameters<typeof outboundMessage>[1]) =>
      outboundMessage(t.emulator.orgId, notifications);

    const stats = newStats();
    await inParallel(randomBatches(ids, 25, random), 6, (batch) =>
      deliverUntilAcknowledged(
        () => t.outbound(message(batch.map((Id) => ({ type: 'Lead', fields: { Id } })))),
        stats,
        { maxAttempts: UNTIL_ACKNOWLEDGED },
      ),
    );
    // Every message was acknowledged, and only after its writes.
    expect(stats.gaveUp).toBe(0);
    for (const id of ids) expect(cadenceOf(id)).toEqual(FIRST_STEPS);

    // Reps complete call 1 on half of the leads; Salesforce sends a Task notification each.
    const followed = ids.filter((_, i) => i % 2 === 0);
    const completions = followed.flatMap((id) => {
      const call = t.emulator
        .tasksOf(id)
        .find((task) => cadenceTaskFrom(task as unknown as SalesforceTask)?.step === CALL_1);
      if (!call) return [];
      t.emulator.updateTask(call.Id, { Status: 'Completed', CallDisposition: 'No answer' });
      return [{ Id: call.Id, WhoId: id }];
    });
    await inParallel(randomBatches(completions, 10, random), 6, (batch) =>
      deliverUntilAcknowledged(
        () => t.outbound(message(batch.map((fields) => ({ type: 'Task', fields })))),
        stats,
        { maxAttempts: UNTIL_ACKNOWLEDGED },
      ),
    );
    expect(stats.gaveUp).toBe(0);

    const followedSet = new Set(followed);
    for (const id of ids) {
      const expected = followedSet.has(id) ? AFTER_CALL_1 : FIRST_STEPS;
      expect(cadenceOf(id), `lead ${id}`).toEqual(expected);
    }
    expect(stats.attempts).toBeGreaterThan(stats.deliveries);
  }, 120_000);
});
