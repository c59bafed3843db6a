import { afterEach, describe, expect, it } from 'vitest';
import { cadenceTaskFrom } from '../../connectors/hubspot/hubspot.mapping.ts';
import { seededRandom } from '../emulators/emulator-kit.ts';
import type { Fault } from '../emulators/hubspot-emulator.ts';
import {
  contactCreated,
  type HubSpotTestApp,
  startHubSpotApp,
  taskStatusChanged,
} from '../support/hubspot-app.ts';
import {
  deliverUntilAcknowledged,
  inParallel,
  newStats,
  randomBatches,
} from '../support/redelivery.ts';
import { AFTER_CALL_1, CALL_1, FIRST_STEPS, TUESDAY_10AM } from './expected.ts';

const ADMIN_TOKEN = 'admin-token-for-the-reliability-tests';
const LEADS = 200;
/** HubSpot makes the first attempt and up to 10 retries. */
const HUBSPOT_ATTEMPTS = 11;

/** Every fault the issue names: rate limits, 5xx, resets, answers past the deadline, lost answers. */
const FAULTS: Fault[] = [
  { kind: 'rate_limit', retryAfter: 1 },
  { kind: 'rate_limit' },
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503 },
  { kind: 'reset' },
  { kind: 'slow', ms: 1300 },
  { kind: 'lost_response' },
];

let t: HubSpotTestApp;
afterEach(async () => {
  await t?.close();
});

const created = contactCreated;
const taskCompleted = (id: string) => taskStatusChanged(id);

/** The contact's live cadence tasks as "step:status", sorted: twins show up as repeats. */
function cadenceOf(contactId: string): string[] {
  return t.emulator
    .tasksOf(contactId)
    .flatMap((task) => cadenceTaskFrom(task) ?? [])
    .map((task) => `${task.step}:${task.status}`)
    .sort();
}

describe('HubSpot under faults, with redelivery as HubSpot does it', () => {
  it('gives every lead exactly its cadence tasks: none missing, no twin', async () => {
    // No client-side rate limit here: shedding has its own test (rate-limits.test.ts).
    t = await startHubSpotApp(TUESDAY_10AM, {
      WEBHOOK_DEADLINE_MS: '1000',
      CRM_RATE_LIMIT: '0',
      ADMIN_TOKEN,
    });
    const random = seededRandom(20261124);
    const ids = Array.from({ length: LEADS }, (_, i) =>
      t.emulator.createContact({
        firstname: `Lead${i}`,
        lastname: 'Fault',
        hubspot_owner_id: '101',
      }),
    );
    t.emulator.failRandomly(0.15, FAULTS, 7);

    // New leads, in batches of 1 to 25 events, 6 deliveries in flight at a time.
    const stats = newStats();
    const acknowledged = new Set<string>();
    await inParallel(randomBatches(ids, 25, random), 6, async (batch) => {
      const ok = await deliverUntilAcknowledged(() => t.deliver(batch.map(created)), stats, {
        maxAttempts: HUBSPOT_ATTEMPTS,
      });
      if (ok) for (const id of batch) acknowledged.add(id);
    });
    // An acknowledged lead has all its tasks already: the answer came after the writes.
    for (const id of acknowledged) expect(cadenceOf(id)).toEqual(FIRST_STEPS);

    // Reps complete call 1 on half of the leads; each completion is its own delivery.
    const followed = ids.filter((_, i) => i % 2 === 0 && acknowledged.has(ids[i] ?? ''));
    const completions = followed.flatMap((id) => {
      const call = t.emulator
        .tasksOf(id)
        .find(
          (task) =>
            cadenceTaskFrom(task)?.step === CALL_1 &&
            task.properties.hs_task_status !== 'COMPLETED',
        );
      if (!call) return [];
      t.emulator.updateTask(call.id, { hs_task_status: 'COMPLETED' });
      return [call.id];
    });
    await inParallel(randomBatches(completions, 10, random), 6, (batch) =>
      deliverUntilAcknowledged(() => t.deliver(batch.map(taskCompleted)), stats, {
        maxAttempts: HUBSPOT_ATTEMPTS,
      }),
    );

    // The cron's sweep catches whatever HubSpot gave up on.
    t.emulator.clearFaults();
    const sweep = await fetch(`${t.serviceUrl}/reconcile`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(sweep.status).toBe(200);

    const followedSet = new Set(followed);
    for (const id of ids) {
      const expected = followedSet.has(id) ? AFTER_CALL_1 : FIRST_STEPS;
      expect(cadenceOf(id), `contact ${id}`).toEqual(expected);
    }
    // The faults really happened, and most deliveries got through without the sweep.
    expect(stats.attempts).toBeGreaterThan(stats.deliveries);
    expect(stats.acknowledged).toBeGreaterThan(stats.deliveries * 0.9);
  }, 120_000);
});
