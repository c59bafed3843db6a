import { type HubSpotTestApp, objectEvent } from './hubspot-app.ts';

async function ok(response: Response): Promise<void> {
  if (response.status !== 200) {
    throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
  }
}

/**
 * A day of the service's work against the emulator, reaching every kind of HubSpot call the
 * connector makes: new contacts one and several at a time (single read, batch reads,
 * association reads, task creates), a rep completing a task and logging a call and an email
 * (completion), an owner change (task update), a disqualified lead (task archive), a reconcile
 * sweep and an attempts report (searches), and the readiness probe (list).
 */
export async function fullDayOfWork(t: HubSpotTestApp, adminToken: string): Promise<void> {
  const auth = { authorization: `Bearer ${adminToken}` };
  const person = { firstname: 'Jane', phone: '+1 212 555 0100', hubspot_owner_id: '101' };
  const id = t.emulator.createContact(person);
  const many = Array.from({ length: 5 }, () => t.emulator.createContact(person));
  await ok(await t.deliver([objectEvent('contact', 'creation', id)]));
  await ok(await t.deliver(many.map((m) => objectEvent('contact', 'creation', m))));
  const [task] = t.emulator.tasksOf(id);
  t.advance(30);
  t.emulator.updateTask(task?.id ?? '', { hs_task_status: 'COMPLETED' });
  const at = new Date(t.now()).toISOString();
  const call = t.emulator.logCall(id, { hs_timestamp: at });
  const email = t.emulator.logEmail(id, { hs_timestamp: at, hs_email_direction: 'EMAIL' });
  await ok(
    await t.deliver([
      objectEvent('task', 'propertyChange', task?.id ?? '', { propertyName: 'hs_task_status' }),
      objectEvent('call', 'creation', call),
      objectEvent('email', 'creation', email),
    ]),
  );
  t.emulator.owners.add('202');
  t.emulator.updateContact(id, { hubspot_owner_id: '202' });
  const changed = (name: string) =>
    objectEvent('contact', 'propertyChange', id, { propertyName: name });
  await ok(await t.deliver([changed('hubspot_owner_id')]));
  t.emulator.updateContact(id, { hs_lead_status: 'UNQUALIFIED' });
  await ok(await t.deliver([changed('hs_lead_status')]));
  await ok(await fetch(`${t.serviceUrl}/reconcile`, { method: 'POST', headers: auth }));
  const until = new Date(t.now()).toISOString();
  const since = new Date(t.now() - 86_400_000).toISOString();
  await ok(
    await fetch(`${t.serviceUrl}/reports/attempts?since=${since}&until=${until}`, {
      headers: auth,
    }),
  );
  await ok(await fetch(`${t.serviceUrl}/readyz`));
}
