import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { holidayCalendar, parseHolidays } from '../../src/config/holidays.ts';
import { parseRange, parseWeeklyHours } from '../../src/config/hours.ts';
import { plan } from '../../src/engine/plan.ts';
import { type TimelineEntry, timeline } from '../../src/engine/timeline.ts';
import type {
  Cadence,
  CadenceTask,
  Channel,
  LeadSnapshot,
  Outcome,
  Schedule,
  TaskStatus,
} from '../../src/engine/types.ts';
import { unwrap } from '../support/parsed.ts';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

interface ScheduleOptions {
  readonly teamZone?: string;
  readonly hours?: string;
  readonly contact?: string;
  readonly holidays?: string;
}

function makeSchedule({
  teamZone = NY,
  hours = 'Mon-Fri 09:00-17:00',
  contact = '08:00-20:00',
  holidays = '',
}: ScheduleOptions = {}): Schedule {
  return {
    teamZone,
    businessHours: unwrap(parseWeeklyHours(hours)),
    contactHours: unwrap(parseRange(contact)),
    isHoliday: holidayCalendar(unwrap(parseHolidays(holidays))),
  };
}

/** The UTC ISO instant of a wall-clock time (`2026-04-14T10:00`) in `zone`, computed by luxon. */
function wall(local: string, zone = NY): string {
  const dt = DateTime.fromISO(local, { zone });
  if (!dt.isValid) throw new Error(`bad local time ${local}`);
  return dt.toUTC().toISO() ?? '';
}

type Lead = LeadSnapshot['lead'];

function makeLead(createdAtLocal: string, zone = NY, extra: Partial<Lead> = {}): Lead {
  return {
    id: 'lead-1',
    name: 'Ada Lovelace',
    company: 'Analytical Engines',
    ownerId: 'rep-7',
    createdAt: wall(createdAtLocal, zone),
    timezone: zone,
    isOpen: true,
    converted: false,
    optedOut: [],
    ...extra,
  };
}

/** step, channel, reminder (local), due (local; defaults to the reminder). */
type Row = readonly [number, Channel, string, string?];

function expectTimeline(entries: readonly TimelineEntry[], rows: readonly Row[], zone = NY): void {
  expect(
    entries.map(({ step, channel, reminderAt, dueAt }) => ({ step, channel, reminderAt, dueAt })),
  ).toEqual(
    rows.map(([step, channel, reminder, due]) => ({
      step,
      channel,
      reminderAt: wall(reminder, zone),
      dueAt: wall(due ?? reminder, zone),
    })),
  );
}

function entry(entries: readonly TimelineEntry[], step: number): TimelineEntry {
  const found = entries.find((e) => e.step === step);
  if (!found) throw new Error(`no entry for step ${step}`);
  return found;
}

function minutesBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 60_000;
}

describe('the default research cadence', () => {
  it('has 6 calls and 5 emails, calls on days 1, 5, 14 and 15 and emails on days 1, 4, 8, 15 and 22', () => {
    const steps = researchCadence.steps;
    expect(steps).toHaveLength(11);
    expect(steps.filter((s) => s.channel === 'call')).toHaveLength(6);
    expect(steps.filter((s) => s.channel === 'email')).toHaveLength(5);
    expect(steps.filter((s) => s.channel === 'email').map((s) => s.day)).toEqual([1, 4, 8, 15, 22]);
    expect(
      steps.filter((s) => s.channel === 'call' && s.day !== undefined).map((s) => s.day),
    ).toEqual([1, 5, 14, 15]);
    expect(steps[2]?.afterMinutes).toEqual({ min: 30, max: 60 });
    expect(steps[3]?.afterMinutes).toEqual({ min: 60, max: 120 });
  });
});

describe('default timeline for a New York team (Mon-Fri 09:00-17:00, contact 08:00-20:00)', () => {
  const schedule = makeSchedule();

  describe('a lead arriving on Tuesday 2026-04-14 at 10:00', () => {
    const lead = makeLead('2026-04-14T10:00');
    const entries = timeline(lead, researchCadence, schedule);

    it('makes call 1 due exactly at the moment the lead arrives, with high priority', () => {
      const call1 = entry(entries, 1);
      expect(call1.channel).toBe('call');
      expect(call1.reminderAt).toBe(lead.createdAt);
      expect(call1.dueAt).toBe(lead.createdAt);
      expect(call1.priority).toBe('high');
      expect(call1.title).toBe('Call 1 of 6 — Ada Lovelace (Analytical Engines)');
    });

    it('sends the intro email at the same moment as call 1', () => {
      const email1 = entry(entries, 2);
      expect(email1.channel).toBe('email');
      expect(email1.reminderAt).toBe(lead.createdAt);
      expect(email1.dueAt).toBe(lead.createdAt);
      expect(email1.priority).toBe('medium');
      expect(email1.title).toBe('Email 1 of 5 — Ada Lovelace (Analytical Engines)');
    });

    it('reminds of call 2 30 minutes after call 1 is due and wants it done within 60 minutes', () => {
      const call1 = entry(entries, 1);
      const call2 = entry(entries, 3);
      expect(minutesBetween(call1.dueAt, call2.reminderAt)).toBe(30);
      expect(minutesBetween(call1.dueAt, call2.dueAt)).toBe(60);
      expect(call2.title).toBe('Call 2 of 6 — Ada Lovelace (Analytical Engines)');
    });

    it('reminds of call 3 one hour after call 2 and wants it done within two hours', () => {
      const call2 = entry(entries, 3);
      const call3 = entry(entries, 4);
      expect(minutesBetween(call2.dueAt, call3.reminderAt)).toBe(60);
      expect(minutesBetween(call2.dueAt, call3.dueAt)).toBe(120);
    });

    it('creates 6 calls and 5 emails in all, one per step', () => {
      expect(entries.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(entries.filter((e) => e.channel === 'call')).toHaveLength(6);
      expect(entries.filter((e) => e.channel === 'email')).toHaveLength(5);
    });

    it('puts emails on days 1, 4, 8, 15 and 22 and moves the day-5 call from Saturday to Monday 09:00', () => {
      expectTimeline(entries, [
        [1, 'call', '2026-04-14T10:00'],
        [2, 'email', '2026-04-14T10:00'],
        [3, 'call', '2026-04-14T10:30', '2026-04-14T11:00'],
        [4, 'call', '2026-04-14T12:00', '2026-04-14T13:00'],
        [5, 'email', '2026-04-17T09:00'], // day 4, Friday
        [6, 'call', '2026-04-20T09:00'], // day 5 is Saturday: next working day
        [7, 'email', '2026-04-21T09:00'], // day 8, Tuesday
        [8, 'call', '2026-04-27T09:00'], // day 14, Monday
        [9, 'call', '2026-04-28T09:00'], // day 15, Tuesday
        [10, 'email', '2026-04-28T09:00'], // day 15
        [11, 'email', '2026-05-05T09:00'], // day 22
      ]);
    });
  });

  describe('a lead arriving on Friday 2026-04-17 at 16:55', () => {
    const lead = makeLead('2026-04-17T16:55');
    const entries = timeline(lead, researchCadence, schedule);

    it('makes call 1 and the intro email due at 16:55, five minutes before closing', () => {
      expect(entry(entries, 1).dueAt).toBe(wall('2026-04-17T16:55'));
      expect(entry(entries, 2).dueAt).toBe(wall('2026-04-17T16:55'));
    });

    it('moves call 2 to Monday 09:00 because 17:25 is after hours, and keeps its 30-minute span', () => {
      const call2 = entry(entries, 3);
      expect(call2.reminderAt).toBe(wall('2026-04-20T09:00'));
      expect(call2.dueAt).toBe(wall('2026-04-20T09:30'));
    });

    it('lays out the rest of the cadence from Monday on', () => {
      expectTimeline(entries, [
        [1, 'call', '2026-04-17T16:55'],
        [2, 'email', '2026-04-17T16:55'],
        [3, 'call', '2026-04-20T09:00', '2026-04-20T09:30'],
        [4, 'call', '2026-04-20T10:30', '2026-04-20T11:30'],
        [5, 'email', '2026-04-20T09:00'], // day 4, Monday
        [6, 'call', '2026-04-21T09:00'], // day 5, Tuesday
        [7, 'email', '2026-04-24T09:00'], // day 8, Friday
        [8, 'call', '2026-04-30T09:00'], // day 14, Thursday
        [9, 'call', '2026-05-01T09:00'], // day 15, Friday
        [10, 'email', '2026-05-01T09:00'],
        [11, 'email', '2026-05-08T09:00'], // day 22
      ]);
    });
  });

  describe('a lead arriving on Saturday 2026-04-18 at 10:00', () => {
    const lead = makeLead('2026-04-18T10:00');
    const entries = timeline(lead, researchCadence, schedule);

    it('moves call 1 and the intro email to Monday 09:00', () => {
      expect(entry(entries, 1).reminderAt).toBe(wall('2026-04-20T09:00'));
      expect(entry(entries, 1).dueAt).toBe(wall('2026-04-20T09:00'));
      expect(entry(entries, 2).dueAt).toBe(wall('2026-04-20T09:00'));
    });

    it('counts the delayed calls from Monday and moves weekend days to the next Monday', () => {
      expectTimeline(entries, [
        [1, 'call', '2026-04-20T09:00'],
        [2, 'email', '2026-04-20T09:00'],
        [3, 'call', '2026-04-20T09:30', '2026-04-20T10:00'],
        [4, 'call', '2026-04-20T11:00', '2026-04-20T12:00'],
        [5, 'email', '2026-04-21T09:00'], // day 4, Tuesday
        [6, 'call', '2026-04-22T09:00'], // day 5, Wednesday
        [7, 'email', '2026-04-27T09:00'], // day 8 is Saturday
        [8, 'call', '2026-05-01T09:00'], // day 14, Friday
        [9, 'call', '2026-05-04T09:00'], // day 15 is Saturday
        [10, 'email', '2026-05-04T09:00'],
        [11, 'email', '2026-05-11T09:00'], // day 22 is Saturday
      ]);
    });
  });

  describe('a lead arriving on Sunday 2026-04-19 at 10:00', () => {
    const entries = timeline(makeLead('2026-04-19T10:00'), researchCadence, schedule);

    it('never puts two day-N calls on the same day: day 14 (Saturday) goes to Monday, day 15 to Tuesday', () => {
      expect(entry(entries, 8).dueAt).toBe(wall('2026-05-04T09:00'));
      expect(entry(entries, 9).dueAt).toBe(wall('2026-05-05T09:00'));
      expect(entry(entries, 10).dueAt).toBe(wall('2026-05-04T09:00'));
    });
  });

  it('keeps a delayed call due inside the opening: call 2 of a 16:10 lead is due at 16:59, not 17:10', () => {
    const entries = timeline(makeLead('2026-04-14T16:10'), researchCadence, schedule);
    expect(entry(entries, 3).reminderAt).toBe(wall('2026-04-14T16:40'));
    expect(entry(entries, 3).dueAt).toBe(wall('2026-04-14T16:59'));
    // Call 3 is one hour after 16:59: after hours, so first thing the next morning.
    expect(entry(entries, 4).reminderAt).toBe(wall('2026-04-15T09:00'));
    expect(entry(entries, 4).dueAt).toBe(wall('2026-04-15T10:00'));
  });

  it('waits for the contact window of a lead arriving at 07:00, not for business hours alone', () => {
    const early = makeSchedule({ hours: 'Mon-Fri 06:00-17:00' });
    const entries = timeline(makeLead('2026-04-14T07:00'), researchCadence, early);
    expect(entry(entries, 1).dueAt).toBe(wall('2026-04-14T08:00'));
  });

  describe('across the end of daylight saving time (2026-11-01 in New York)', () => {
    const lead = makeLead('2026-10-30T10:00');
    const entries = timeline(lead, researchCadence, schedule);

    it('keeps day-N steps at 09:00 local time after the clocks go back', () => {
      expectTimeline(entries, [
        [1, 'call', '2026-10-30T10:00'],
        [2, 'email', '2026-10-30T10:00'],
        [3, 'call', '2026-10-30T10:30', '2026-10-30T11:00'],
        [4, 'call', '2026-10-30T12:00', '2026-10-30T13:00'],
        [5, 'email', '2026-11-02T09:00'], // day 4, Monday, EST
        [6, 'call', '2026-11-03T09:00'], // day 5
        [7, 'email', '2026-11-06T09:00'], // day 8
        [8, 'call', '2026-11-12T09:00'], // day 14
        [9, 'call', '2026-11-13T09:00'], // day 15
        [10, 'email', '2026-11-13T09:00'],
        [11, 'email', '2026-11-20T09:00'], // day 22
      ]);
    });

    it('uses the standard-time offset: 09:00 EST is 14:00 UTC, 09:00 EDT was 13:00 UTC', () => {
      expect(entry(entries, 5).dueAt).toBe('2026-11-02T14:00:00.000Z');
      expect(entry(entries, 1).dueAt).toBe('2026-10-30T14:00:00.000Z');
    });
  });

  describe('across the start of daylight saving time (2026-03-08 in New York)', () => {
    const entries = timeline(makeLead('2026-03-06T10:00'), researchCadence, schedule);

    it('keeps day-N steps at 09:00 local time after the clocks go forward', () => {
      expect(entry(entries, 5).dueAt).toBe(wall('2026-03-09T09:00')); // day 4, Monday
      expect(entry(entries, 5).dueAt).toBe('2026-03-09T13:00:00.000Z');
      expect(entry(entries, 6).dueAt).toBe(wall('2026-03-10T09:00')); // day 5
      expect(entry(entries, 11).dueAt).toBe(wall('2026-03-27T09:00')); // day 22
    });
  });
});

describe('holidays', () => {
  it('moves the first call of a lead arriving on Thanksgiving (HOLIDAYS=US) to Friday 09:00', () => {
    const schedule = makeSchedule({ holidays: 'US' });
    const entries = timeline(makeLead('2026-11-26T10:00'), researchCadence, schedule);
    expect(entry(entries, 1).dueAt).toBe(wall('2026-11-27T09:00'));
    expect(entry(entries, 2).dueAt).toBe(wall('2026-11-27T09:00'));
    expect(entry(entries, 3).reminderAt).toBe(wall('2026-11-27T09:30'));
  });

  it('also skips an explicit date listed next to the country (HOLIDAYS=US,2026-11-27)', () => {
    const schedule = makeSchedule({ holidays: 'US,2026-11-27' });
    const entries = timeline(makeLead('2026-11-26T10:00'), researchCadence, schedule);
    expect(entry(entries, 1).dueAt).toBe(wall('2026-11-30T09:00'));
  });

  it('skips an explicit date on its own (HOLIDAYS=2026-04-14) for a lead arriving that day', () => {
    const schedule = makeSchedule({ holidays: '2026-04-14' });
    const entries = timeline(makeLead('2026-04-14T10:00'), researchCadence, schedule);
    expect(entry(entries, 1).dueAt).toBe(wall('2026-04-15T09:00'));
  });

  it('moves a day-4 email that falls on Memorial Day to the Tuesday after', () => {
    const schedule = makeSchedule({ holidays: 'US' });
    const entries = timeline(makeLead('2026-05-22T10:00'), researchCadence, schedule);
    expect(entry(entries, 5).dueAt).toBe(wall('2026-05-26T09:00'));
  });

  it('treats observances as working days: Valentine’s Day 2025 (a Friday) is not skipped', () => {
    const schedule = makeSchedule({ holidays: 'US' });
    const entries = timeline(makeLead('2025-02-14T10:00'), researchCadence, schedule);
    expect(entry(entries, 1).dueAt).toBe(wall('2025-02-14T10:00'));
  });
});

describe('a lead in another zone than the team', () => {
  const schedule = makeSchedule({ teamZone: BERLIN, hours: 'Mon-Fri 09:00-17:00' });

  it('calls at the start of the overlap: 08:00 in New York, which is 14:00 in Berlin', () => {
    const lead = makeLead('2026-04-14T07:00', NY);
    const entries = timeline(lead, researchCadence, schedule);
    const call1 = entry(entries, 1);
    expect(call1.dueAt).toBe(wall('2026-04-14T08:00', NY));
    expect(call1.dueAt).toBe(wall('2026-04-14T14:00', BERLIN));
  });

  it('ends a delayed call at the close of the Berlin office: call 3 due 16:59 Berlin, not 17:00', () => {
    const entries = timeline(makeLead('2026-04-14T07:00', NY), researchCadence, schedule);
    expectTimeline(
      entries.slice(0, 4),
      [
        [1, 'call', '2026-04-14T08:00'],
        [2, 'email', '2026-04-14T08:00'],
        [3, 'call', '2026-04-14T08:30', '2026-04-14T09:00'],
        [4, 'call', '2026-04-14T10:00', '2026-04-14T10:59'],
      ],
      NY,
    );
  });

  it('reads day N in the lead’s zone: the day-4 email is Friday 08:00 New York time', () => {
    const entries = timeline(makeLead('2026-04-14T07:00', NY), researchCadence, schedule);
    expect(entry(entries, 5).dueAt).toBe(wall('2026-04-17T08:00', NY));
  });

  it('moves a lead arriving after the overlap to 08:00 New York the next morning', () => {
    const entries = timeline(makeLead('2026-04-14T12:00', NY), researchCadence, schedule);
    expect(entry(entries, 1).dueAt).toBe(wall('2026-04-15T08:00', NY));
  });

  it('calls inside the lead’s window, closest to the team’s hours, when the two never meet (Honolulu lead)', () => {
    const HONOLULU = 'Pacific/Honolulu';
    // 08:00-20:00 in Honolulu is 20:00-08:00 in Berlin (summer time); the office opens at 09:00,
    // so the closest part of the lead's window is its last hour, 07:00-08:00 in Berlin.
    const evening = timeline(makeLead('2026-04-14T10:00', HONOLULU), researchCadence, schedule);
    expect(entry(evening, 1).dueAt).toBe(wall('2026-04-15T07:00', BERLIN));
    expect(entry(evening, 1).dueAt).toBe(wall('2026-04-14T19:00', HONOLULU));
    expect(entry(evening, 1).reason).toBe('lead_window_only');
    expect(entry(evening, 1).body).toMatch(
      /^Outside your hours: 19:00 in Honolulu is 07:00 in Berlin\./,
    );
    // The intro email is done at the desk: team hours, as before.
    expect(entry(evening, 2).dueAt).toBe(wall('2026-04-15T09:00', BERLIN));
    expect(entry(evening, 2).reason).toBe('team_hours');
    // Arriving at 22:00 in Honolulu while the Berlin office is open: not called at night, but
    // in the last hour of the lead's next window before the office opens.
    const night = timeline(makeLead('2026-04-14T22:00', HONOLULU), researchCadence, schedule);
    expect(night[0]?.dueAt).toBe(wall('2026-04-16T07:00', BERLIN));
  });
});

// ---------------------------------------------------------------------------------------------
// Stop conditions and duplicates, through plan()

let taskSeq = 0;

function task(
  step: number,
  status: TaskStatus,
  at: string,
  extra: Partial<CadenceTask> = {},
): CadenceTask {
  const channel = researchCadence.steps[step - 1]?.channel;
  if (!channel) throw new Error(`no step ${step}`);
  taskSeq += 1;
  return {
    id: `task-${taskSeq}`,
    cadenceId: researchCadence.id,
    step,
    channel,
    status,
    createdAt: at,
    dueAt: at,
    ...(status === 'open' ? {} : { doneAt: at }),
    ...extra,
  };
}

function done(step: number, at: string, outcome: Outcome): CadenceTask {
  return task(step, 'completed', at, { outcome });
}

describe('plan stops or narrows the cadence', () => {
  const schedule = makeSchedule();
  const arrival = '2026-04-14T10:00';
  const t0 = wall(arrival);
  const now = Date.parse(wall('2026-04-14T10:05'));

  function snapshot(tasks: CadenceTask[], leadExtra: Partial<Lead> = {}): LeadSnapshot {
    return { lead: makeLead(arrival, NY, leadExtra), tasks, activities: [] };
  }

  it('closes every open task as lead_closed and stops when the lead’s status is no longer open', () => {
    const call1 = task(1, 'open', t0);
    const email1 = task(2, 'open', t0);
    const decision = plan(
      snapshot([call1, email1], { isOpen: false }),
      researchCadence,
      now,
      schedule,
    );
    expect(decision.state).toEqual({ status: 'stopped', reason: 'lead_closed' });
    expect(decision.close).toEqual([
      { taskId: call1.id, reason: 'lead_closed' },
      { taskId: email1.id, reason: 'lead_closed' },
    ]);
    expect(decision.create).toEqual([]);
    expect(decision.keep).toEqual([]);
  });

  it('closes open tasks as converted and stops when the lead converted', () => {
    const call2 = task(3, 'open', t0);
    const decision = plan(
      snapshot([done(1, t0, 'no_answer'), done(2, t0, 'sent'), call2], { converted: true }),
      researchCadence,
      now,
      schedule,
    );
    expect(decision.state).toEqual({ status: 'stopped', reason: 'converted' });
    expect(decision.close).toEqual([{ taskId: call2.id, reason: 'converted' }]);
    expect(decision.create).toEqual([]);
  });

  it('stops as reached after a connected call and closes the open email task', () => {
    const email1 = task(2, 'open', t0);
    const decision = plan(
      snapshot([done(1, t0, 'connected'), email1]),
      researchCadence,
      now,
      schedule,
    );
    expect(decision.state).toEqual({ status: 'stopped', reason: 'reached' });
    expect(decision.close).toEqual([{ taskId: email1.id, reason: 'reached' }]);
    expect(decision.create).toEqual([]);
  });

  it('stops as reached when a reply is logged as an activity outside the cadence tasks', () => {
    const call2 = task(3, 'open', t0);
    const decision = plan(
      {
        lead: makeLead(arrival),
        tasks: [done(1, t0, 'no_answer'), done(2, t0, 'sent'), call2],
        activities: [{ channel: 'email', at: wall('2026-04-14T10:03'), outcome: 'replied' }],
      },
      researchCadence,
      now,
      schedule,
    );
    expect(decision.state).toEqual({ status: 'stopped', reason: 'reached' });
    expect(decision.close).toEqual([{ taskId: call2.id, reason: 'reached' }]);
  });

  it('closes the open email task as opted_out when the lead opts out of email, and calls go on', () => {
    const call2 = task(3, 'open', t0);
    const email1 = task(2, 'open', t0);
    const decision = plan(
      snapshot([done(1, t0, 'no_answer'), email1, call2], { optedOut: ['email'] }),
      researchCadence,
      now,
      schedule,
    );
    expect(decision.state).toEqual({ status: 'active' });
    expect(decision.close).toEqual([{ taskId: email1.id, reason: 'opted_out' }]);
    expect(decision.keep).toEqual([call2.id]);
    expect(decision.create).toEqual([]);
  });

  it('moves open tasks to the lead’s new owner and leaves done ones alone', () => {
    const call2 = task(3, 'open', t0, { ownerId: 'rep-7' });
    const email1 = task(2, 'open', t0, { ownerId: 'rep-7' });
    const decision = plan(
      snapshot([done(1, t0, 'no_answer'), email1, call2], { ownerId: 'rep-9' }),
      researchCadence,
      now,
      schedule,
    );
    expect(decision.reassign).toEqual([
      { taskId: call2.id, ownerId: 'rep-9' },
      { taskId: email1.id, ownerId: 'rep-9' },
    ]);
    expect(decision.create).toEqual([]);
    expect(decision.close).toEqual([]);
  });

  it('leaves task owners alone when the lead has no owner, or the same one', () => {
    const call2 = task(3, 'open', t0, { ownerId: 'rep-7' });
    const unowned = { ownerId: undefined } as Partial<Lead>;
    for (const lead of [unowned, {}]) {
      const decision = plan(
        snapshot([done(1, t0, 'no_answer'), done(2, t0, 'sent'), call2], lead),
        researchCadence,
        now,
        schedule,
      );
      expect(decision.reassign).toEqual([]);
    }
  });

  it('creates no more email steps after an email opt-out, only the next call', () => {
    const decision = plan(
      snapshot([done(1, t0, 'no_answer'), done(2, t0, 'sent')], { optedOut: ['email'] }),
      researchCadence,
      now,
      schedule,
    );
    expect(decision.create.map((d) => [d.step, d.channel])).toEqual([[3, 'call']]);
    expect(decision.state).toEqual({ status: 'active' });
  });

  it('leaves out every email of the timeline of a lead that opted out of email', () => {
    const lead = makeLead(arrival, NY, { optedOut: ['email'] });
    const entries = timeline(lead, researchCadence, schedule);
    expect(entries.map((e) => e.step)).toEqual([1, 3, 4, 6, 8, 9]);
  });

  it('closes open call tasks as wrong_number after a wrong-number call and creates no more calls', () => {
    const call2 = task(3, 'open', t0);
    const decision = plan(
      {
        lead: makeLead(arrival),
        tasks: [done(1, t0, 'no_answer'), done(2, t0, 'sent'), call2],
        activities: [{ channel: 'call', at: wall('2026-04-14T10:04'), outcome: 'wrong_number' }],
      },
      researchCadence,
      now,
      schedule,
    );
    expect(decision.close).toEqual([{ taskId: call2.id, reason: 'wrong_number' }]);
    expect(decision.create.map((d) => [d.step, d.channel])).toEqual([[5, 'email']]);
    expect(decision.state).toEqual({ status: 'active' });
  });

  it('creates no further call after a wrong-number outcome on call 1 while emails continue', () => {
    const decision = plan(
      snapshot([done(1, t0, 'wrong_number'), done(2, t0, 'sent')]),
      researchCadence,
      now,
      schedule,
    );
    expect(decision.create.map((d) => d.channel)).toEqual(['email']);
    expect(decision.create[0]?.dueAt).toBe(wall('2026-04-17T09:00'));
  });

  it('stops as opted_out when the lead opted out of every channel of the cadence', () => {
    const call2 = task(3, 'open', t0);
    const email1 = task(2, 'open', t0);
    const decision = plan(
      snapshot([done(1, t0, 'no_answer'), email1, call2], { optedOut: ['call', 'email'] }),
      researchCadence,
      now,
      schedule,
    );
    expect(decision.state).toEqual({ status: 'stopped', reason: 'opted_out' });
    expect(decision.close).toEqual(
      expect.arrayContaining([
        { taskId: email1.id, reason: 'opted_out' },
        { taskId: call2.id, reason: 'opted_out' },
      ]),
    );
    expect(decision.close).toHaveLength(2);
    expect(decision.create).toEqual([]);
  });

  it('is finished, not stopped, once every step is done', () => {
    const tasks = researchCadence.steps.map((s, i) =>
      done(i + 1, t0, s.channel === 'email' ? 'sent' : 'no_answer'),
    );
    const decision = plan(snapshot(tasks), researchCadence, now, schedule);
    expect(decision.state).toEqual({ status: 'finished' });
    expect(decision.create).toEqual([]);
    expect(decision.close).toEqual([]);
  });
});

describe('duplicates', () => {
  const schedule = makeSchedule();
  const arrival = '2026-04-14T10:00';
  const now = Date.parse(wall('2026-04-14T10:05'));

  it('keeps the older of two open tasks for the same step and closes the younger as duplicate', () => {
    const older = task(1, 'open', wall('2026-04-14T10:00'));
    const younger = task(1, 'open', wall('2026-04-14T10:01'));
    const email1 = task(2, 'open', wall('2026-04-14T10:00'));
    const decision = plan(
      { lead: makeLead(arrival), tasks: [younger, email1, older], activities: [] },
      researchCadence,
      now,
      schedule,
    );
    expect(decision.close).toEqual([{ taskId: younger.id, reason: 'duplicate' }]);
    expect(decision.keep).toEqual(expect.arrayContaining([older.id, email1.id]));
    expect(decision.keep).toHaveLength(2);
    expect(decision.create).toEqual([]);
    expect(decision.state).toEqual({ status: 'active' });
  });

  it('creates the next step of a channel only once its open task is done', () => {
    const call1 = task(1, 'open', wall('2026-04-14T10:00'));
    const email1 = task(2, 'open', wall('2026-04-14T10:00'));
    const decision = plan(
      { lead: makeLead(arrival), tasks: [call1, email1], activities: [] },
      researchCadence,
      now,
      schedule,
    );
    expect(decision.create).toEqual([]);
    expect(decision.close).toEqual([]);
  });
});

describe('edge cases found by property testing', () => {
  it('reports the same state on the run after an opt-out closed the last open task', () => {
    const schedule = makeSchedule();
    const t0 = wall('2026-04-14T10:00');
    const tasks = researchCadence.steps.map((s, i) =>
      i + 1 === 11
        ? task(11, 'open', t0)
        : done(i + 1, t0, s.channel === 'email' ? 'sent' : 'no_answer'),
    );
    const lead = makeLead('2026-04-14T10:00', NY, { optedOut: ['email'] });
    const now = Date.parse(wall('2026-05-05T08:00'));
    const first = plan({ lead, tasks, activities: [] }, researchCadence, now, schedule);
    expect(first.close).toEqual([{ taskId: tasks[10]?.id, reason: 'opted_out' }]);
    expect(first.state).toEqual({ status: 'stopped', reason: 'opted_out' });
    // The CRM closed the task as told; nothing else changed.
    const applied = tasks.map((t) =>
      t.status === 'open'
        ? { ...t, status: 'closed' as const, doneAt: wall('2026-05-05T08:00') }
        : t,
    );
    const second = plan({ lead, tasks: applied, activities: [] }, researchCadence, now, schedule);
    expect(second.create).toEqual([]);
    expect(second.close).toEqual([]);
    expect(second.state).toEqual(first.state);
  });

  it('keeps a delayed step due inside business hours across the Santiago midnight DST gap', () => {
    // Chile moves its clocks from 24:00 to 01:00 on 2026-09-06: that Sunday has no midnight.
    const SANTIAGO = 'America/Santiago';
    const schedule = makeSchedule({
      teamZone: SANTIAGO,
      hours: 'Mon-Sun 18:00-24:00',
      contact: '00:00-24:00',
    });
    const cadence: Cadence = {
      id: 'late-shift',
      steps: [
        { channel: 'call', day: 1, priority: 'high', guidance: 'Call now.' },
        {
          channel: 'call',
          afterMinutes: { min: 30, max: 480 },
          priority: 'medium',
          guidance: 'Call again.',
        },
      ],
    };
    const entries = timeline(makeLead('2026-09-06T19:00', SANTIAGO), cadence, schedule);
    expect(entry(entries, 2).reminderAt).toBe(wall('2026-09-06T19:30', SANTIAGO));
    // The opening ends at Sunday 24:00, so the due time is clamped to 23:59, not 00:59 Monday.
    expect(entry(entries, 2).dueAt).toBe(wall('2026-09-06T23:59', SANTIAGO));
  });

  it('starts day N at local midnight for a lead that arrived on the day Santiago skipped midnight', () => {
    // 2026-09-06 begins at 01:00 in Santiago; later days still begin at 00:00.
    const SANTIAGO = 'America/Santiago';
    const schedule = makeSchedule({
      teamZone: 'Asia/Tokyo',
      hours: 'Mon-Fri 09:00-17:00',
      contact: '00:00-24:00',
    });
    const entries = timeline(makeLead('2026-09-06T10:00', SANTIAGO), researchCadence, schedule);
    // Day 4 begins Wednesday 00:00 in Santiago, 12:00 in Tokyo, inside business hours.
    expect(entry(entries, 5).dueAt).toBe(wall('2026-09-09T00:00', SANTIAGO));
    expect(entry(entries, 5).dueAt).toBe(wall('2026-09-09T12:00', 'Asia/Tokyo'));
  });

  it('calls a winter lead within a week when its contact window overlaps team hours only in summer', () => {
    // 09:00-16:00 Tokyo is 00:00-07:00 UTC; 07:00-20:00 London is 06:00-19:00 UTC in summer
    // (one hour of overlap) but 07:00-20:00 UTC in winter (none).
    const schedule = makeSchedule({
      teamZone: 'Asia/Tokyo',
      hours: 'Mon-Fri 09:00-16:00',
      contact: '07:00-20:00',
    });
    const lead = makeLead('2026-12-01T10:00', 'Europe/London');
    const call1 = entry(timeline(lead, researchCadence, schedule), 1);
    // Not 2027-03-29, the first weekday of British Summer Time: on a day without overlap the
    // team's hours alone decide.
    expect(minutesBetween(lead.createdAt, call1.dueAt)).toBeLessThan(7 * 24 * 60);
  });
});
