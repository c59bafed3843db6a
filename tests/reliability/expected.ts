import { researchCadence } from '../../src/cadence/research-cadence.ts';

/** Tuesday 2026-11-24, 10:00 in New York: inside business hours, so first steps are due now. */
export const TUESDAY_10AM = '2026-11-24T15:00:00.000Z';

const stepsOf = (channel: string) =>
  researchCadence.steps.flatMap((s, i) => (s.channel === channel ? [i + 1] : []));

/** Step numbers of the default cadence the expected task sets are written in. */
export const [CALL_1, CALL_2] = stepsOf('call') as [number, number];
export const [EMAIL_1] = stepsOf('email') as [number];

/** A new lead in business hours: call 1 and email 1, open, once each ("step:status", sorted). */
export const FIRST_STEPS = [`${CALL_1}:open`, `${EMAIL_1}:open`].sort();
/** After a rep completed call 1 without reaching the lead. */
export const AFTER_CALL_1 = [`${CALL_1}:completed`, `${CALL_2}:open`, `${EMAIL_1}:open`].sort();
