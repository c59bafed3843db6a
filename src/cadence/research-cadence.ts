import type { Cadence } from '../engine/types.ts';

const VOICEMAIL =
  'No answer? Leave a short voicemail: your name, company, why you are calling and your callback number. Not to get a callback: so your name is familiar on the next attempt.';
const VALUE =
  'Give them something useful (an answer, a guide, a customer story), not "just checking in".';

/**
 * The default cadence: 6 calls and 5 emails over 22 days, timed as in the Leads360
 * "Ultimate Contact Strategy" study of 3.5 million web leads at 400+ companies (2012). The
 * guidance counts no attempts: the title does ("Call 3 of 6"), and it counts calls logged
 * outside the cadence too, so a step's own number ("Second call") could contradict it.
 */
export const researchCadence: Cadence = {
  id: 'research-default',
  steps: [
    {
      channel: 'call',
      day: 1,
      priority: 'high',
      guidance: `Call now. A new lead called within its first minute converts about 4x more often than one called later, and every minute of waiting costs. ${VOICEMAIL}`,
    },
    {
      channel: 'email',
      day: 1,
      priority: 'medium',
      guidance: `Send a short intro email alongside the first call: an email on day 1 lifts conversion by about half. Say who you are and why you reached out. ${VALUE}`,
    },
    {
      channel: 'call',
      afterMinutes: { min: 30, max: 60 },
      priority: 'medium',
      guidance: `Call again, 30-60 minutes after the last call: the best-converting window for a second try, and half of all leads never get one. ${VOICEMAIL}`,
    },
    {
      channel: 'call',
      afterMinutes: { min: 60, max: 120 },
      priority: 'medium',
      guidance:
        'Call again, 1-2 hours after the last call. Most buyers who are ever reached pick up within the first few attempts.',
    },
    {
      channel: 'email',
      day: 4,
      priority: 'medium',
      guidance: `Follow-up email. ${VALUE}`,
    },
    {
      channel: 'call',
      day: 5,
      priority: 'medium',
      guidance: `Call again: day 5 is one of the best days for another attempt. ${VOICEMAIL}`,
    },
    {
      channel: 'email',
      day: 8,
      priority: 'medium',
      guidance: `Follow-up email. ${VALUE}`,
    },
    {
      channel: 'call',
      day: 14,
      priority: 'medium',
      guidance:
        'Call again: days 14 and 15 are the next best days to reach a lead that has not answered yet.',
    },
    {
      channel: 'call',
      day: 15,
      priority: 'medium',
      guidance:
        'Last call of the cadence: by the sixth attempt about 93% of the leads who buy have been reached; more calls add little.',
    },
    {
      channel: 'email',
      day: 15,
      priority: 'medium',
      guidance: `Follow-up email. ${VALUE}`,
    },
    {
      channel: 'email',
      day: 22,
      priority: 'medium',
      guidance:
        'Last email of the cadence: more than five emails makes a lead less likely to convert. Close the loop politely and leave the door open.',
    },
  ],
};
