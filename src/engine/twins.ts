import { byAge } from './plan.ts';
import type { CadenceTask, TaskClosure } from './types.ts';

/**
 * Open tasks of the same cadence step are twins: two writers each saw "no task yet". The
 * oldest (then lowest id) stays and the others close as duplicates. Every replica that looks
 * picks the same survivor, so two replicas cleaning up at once never delete both.
 */
export function twinClosures(tasks: readonly CadenceTask[]): TaskClosure[] {
  const byStep = new Map<string, CadenceTask[]>();
  for (const task of tasks) {
    if (task.status !== 'open') continue;
    const key = `${task.cadenceId}:${task.step}`;
    byStep.set(key, [...(byStep.get(key) ?? []), task]);
  }
  return [...byStep.values()].flatMap((same) =>
    same
      .sort(byAge)
      .slice(1)
      .map((t) => ({ taskId: t.id, reason: 'duplicate' as const })),
  );
}
