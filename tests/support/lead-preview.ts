/**
 * `POST /cadence/preview` as the calling-hours tests read it, and an independent check that
 * every call the preview plans lies inside the lead's legal window.
 */
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import { scheduleFrom } from '../../src/config/schedule.ts';
import type { LeadSnapshot } from '../../src/engine/types.ts';
import { resolveLead } from '../../src/timezone/lead-jurisdiction.ts';
import { outsideLeadWindow } from '../engine/lead-window-check.ts';
import { closedAfterEach } from './closed-after-each.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

export interface PreviewStep {
  step: number;
  channel: string;
  title: string;
  body: string;
  reminderAt: string;
  dueAt: string;
  reason: string;
}
export interface Preview {
  timezone: string;
  timezoneSource: string;
  candidates: string[];
  leadWindow: {
    contactHours: string;
    holidaysOf: string | null;
    usState: string | null;
    rules: { code: string; hours: string }[];
  };
  steps: PreviewStep[];
}

export async function previewOn(t: TestApp, body: Record<string, string>): Promise<Preview> {
  const res = await t.app.inject({ method: 'POST', url: '/cadence/preview', payload: body });
  expect(res.statusCode).toBe(200);
  return res.json() as Preview;
}

export const calls = (p: Preview) => p.steps.filter((s) => s.channel === 'call');

export const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone });

/** Every call's reminder and due time, checked against the lead's window by independent code. */
export function expectCallsInsideLeadWindow(
  t: TestApp,
  p: Preview,
  body: Record<string, string>,
): void {
  const schedule = scheduleFrom(t.config);
  const place = resolveLead(body, {
    teamZone: schedule.teamZone,
    at: Date.parse(body.createdAt ?? ''),
    contactHours: schedule.contactHours,
    callingRules: t.config.callingRules,
  });
  const lead = { timezone: p.timezone, jurisdiction: place.jurisdiction } as LeadSnapshot['lead'];
  expect(place.jurisdiction.zones).toEqual(p.candidates);
  for (const call of calls(p)) {
    for (const at of [call.reminderAt, call.dueAt]) {
      expect(outsideLeadWindow(Date.parse(at), lead, schedule), `${call.title} ${at}`).toBe(
        undefined,
      );
    }
  }
}

/**
 * A `preview(env, body)` for a test file: a fresh app per call, built at the lead's arrival and
 * closed after the test, whose every call is checked against the lead's window.
 */
export function checkedPreviews() {
  const track = closedAfterEach();
  return async (env: Record<string, string>, body: Record<string, string>) => {
    const t = await buildTestApp(env, body.createdAt ?? '');
    track(t.app);
    const p = await previewOn(t, body);
    expectCallsInsideLeadWindow(t, p, body);
    return p;
  };
}

/** Each call's due time in `zone`, as `Sun 2026-04-19 12:00`. */
export const callDues = (p: Preview, zone: string) =>
  calls(p).map((c) => local(c.dueAt, zone).toFormat('ccc yyyy-MM-dd HH:mm'));

/** A due time as `callDues` gives it (`Sun 2026-04-19 12:00`) lies in `[from, to)` of its day. */
export function expectClockWithin(due: string, from: string, to: string): void {
  const clock = due.slice(-5);
  expect(clock >= from && clock < to, due).toBe(true);
}
