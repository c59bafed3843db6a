import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../../connectors/crm-connector.port.ts';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import type {
  Activity,
  CadenceTask,
  Channel,
  Outcome,
  TaskStatus,
} from '../../src/engine/types.ts';
import {
  type Attempt,
  type AttemptsReport,
  type AttemptsReportOptions,
  attemptsOf,
  attemptsReportCsv,
  attemptsReportHtml,
  buildAttemptsReport,
  cadenceCap,
  type LeadAttempts,
  percentile,
  type Reach,
} from '../../src/reports/attempts-report.ts';

const CREATED = '2026-03-02T09:00:00.000Z';
const OPTIONS: AttemptsReportOptions = {
  since: '2026-03-01T00:00:00Z',
  until: '2026-04-01T00:00:00Z',
  cap: cadenceCap(researchCadence),
};

/** The instant `minutes` after `base` (the lead's creation by default). */
function at(minutes: number, base = CREATED): string {
  return new Date(Date.parse(base) + minutes * 60_000).toISOString();
}

function call(minutes: number, outcome: Outcome = 'no_answer'): Activity {
  return { channel: 'call', at: at(minutes), outcome };
}

function email(minutes: number, outcome: Outcome = 'sent'): Activity {
  return { channel: 'email', at: at(minutes), outcome };
}

let taskIds = 0;
function task(
  channel: Channel,
  doneMinutes: number,
  outcome?: Outcome,
  status: TaskStatus = 'completed',
): CadenceTask {
  taskIds += 1;
  return {
    id: `task-${taskIds}`,
    cadenceId: researchCadence.id,
    step: 1,
    channel,
    status,
    createdAt: CREATED,
    dueAt: at(doneMinutes),
    ...(status === 'open' ? {} : { doneAt: at(doneMinutes) }),
    ...(outcome === undefined ? {} : { outcome }),
  };
}

function record(
  activities: readonly Activity[],
  tasks: readonly CadenceTask[] = [],
  createdAt = CREATED,
): LeadRecord {
  // `contacted` is spread in, so the fixture compiles whether or not the port has that field yet.
  const lead = {
    id: 'lead-1',
    name: 'Ada',
    createdAt,
    isOpen: true,
    converted: false,
    contacted: false,
  };
  return { lead: { ...lead, optedOut: [] }, tasks, activities };
}

/**
 * Per 1000 reached leads, how many were reached at call 1, 2, … 12: 48% on the first attempt,
 * 70% by the second, 93% by the sixth, three more add 4%, and results still come at 12
 * (research.md, "Persistence").
 */
const RESEARCH_REACHED_AT = [480, 220, 80, 60, 50, 40, 15, 13, 12, 10, 10, 10];
const NEVER_REACHED = 250;

function researchRecords(): LeadRecord[] {
  const reached = RESEARCH_REACHED_AT.flatMap((count, i) =>
    Array.from({ length: count }, () =>
      record(
        Array.from({ length: i + 1 }, (_, k) => call(k * 60, k === i ? 'connected' : 'no_answer')),
      ),
    ),
  );
  const cadenceRunOut = Array.from({ length: NEVER_REACHED }, () =>
    record([
      ...Array.from({ length: 6 }, (_, k) => call(k * 60)),
      ...Array.from({ length: 5 }, (_, k) => email(k * 60 + 30)),
    ]),
  );
  return [...reached, ...cadenceRunOut];
}

function researchReport(marginal?: number): AttemptsReport {
  const leads = researchRecords().map((r) => attemptsOf(r));
  return buildAttemptsReport(leads, {
    ...OPTIONS,
    ...(marginal === undefined ? {} : { marginal }),
  });
}

function attempted(
  createdAt: string,
  delaysSeconds: readonly number[],
  reach: Reach,
): LeadAttempts {
  const attempts = delaysSeconds.map(
    (s): Attempt => ({
      channel: 'call',
      at: new Date(Date.parse(createdAt) + s * 1000).toISOString(),
    }),
  );
  return { createdAt, attempts, reach };
}

const REACHED_AT_1: Reach = { status: 'reached', attempt: 1, by: 'outcome' };
const NOT_REACHED: Reach = { status: 'not_reached' };

/** RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

describe('the research curve', () => {
  it('reproduces 48% on the first attempt, 70% by the second, 93% by the sixth', () => {
    const { calls, all } = researchReport().curves;
    expect(calls.points.map((p) => p.shareOfReached)).toEqual([
      0.48, 0.7, 0.78, 0.84, 0.89, 0.93, 0.945, 0.958, 0.97, 0.98, 0.99, 1,
    ]);
    expect(all.points.map((p) => p.shareOfReached)).toEqual(
      calls.points.map((p) => p.shareOfReached),
    );
    expect(calls.reached).toBe(1000);
  });

  it('gives shares of all leads beside shares of the reached ones', () => {
    const report = researchReport();
    expect(report.leads).toBe(1250);
    expect(report.reached).toBe(1000);
    expect(report.reachRate).toBe(0.8);
    const byAttempt = report.curves.all.points;
    expect([
      byAttempt[0]?.shareOfLeads,
      byAttempt[5]?.shareOfLeads,
      byAttempt[11]?.shareOfLeads,
    ]).toEqual([0.384, 0.744, 0.8]);
    expect(byAttempt.map((p) => p.attempted)).toEqual([
      1250, 770, 550, 470, 410, 360, 320, 305, 292, 280, 270, 10,
    ]);
  });

  it('finds six as the number when each further attempt adds under 2 points, beside 6 cadence calls', () => {
    const { all, calls, emails } = researchReport().curves;
    expect([all.yourNumber, calls.yourNumber, emails.yourNumber]).toEqual([6, 6, null]);
    expect([all.cadenceCap, calls.cadenceCap, emails.cadenceCap]).toEqual([11, 6, 5]);
  });

  it('moves the number with the threshold: an attempt adding exactly the threshold still counts', () => {
    expect(researchReport(0.05).curves.all.yourNumber).toBe(5);
    expect(researchReport(0.01).curves.all.yourNumber).toBe(12);
    expect(researchReport(0.5).curves.all.yourNumber).toBe(1);
  });

  it('is plain JSON', () => {
    const report = researchReport();
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('cadenceCap', () => {
  it('counts call and email steps only', () => {
    const sms = { channel: 'sms', day: 2, priority: 'low', guidance: 'Text them.' } as const;
    expect(cadenceCap({ id: 'x', steps: [...researchCadence.steps, sms] })).toEqual({
      calls: 6,
      emails: 5,
      total: 11,
    });
  });
});

describe('attemptsOf: a logged call and the task it completed are one attempt', () => {
  it('merges a completed call task with the call logged 10 minutes later', () => {
    const { attempts } = attemptsOf(record([call(10)], [task('call', 0, 'no_answer')]));
    expect(attempts).toEqual([{ channel: 'call', at: at(10), outcome: 'no_answer' }]);
  });

  it('counts a task done by a logged call (named on it) and that call once, as the engine does', () => {
    const logged: Activity = { ...call(40), id: 'call-7' };
    const done: CadenceTask = { ...task('call', 40, 'no_answer'), credit: 'call-7' };
    // A second logged call right after is its own attempt: the task names the first one.
    const { attempts } = attemptsOf(record([logged, { ...call(41), id: 'call-8' }], [done]));
    expect(attempts.map((a) => a.at)).toEqual([at(40), at(41)]);
  });

  it('merges at exactly 15 minutes apart, either way round', () => {
    expect(attemptsOf(record([call(15)], [task('call', 0)])).attempts).toHaveLength(1);
    expect(attemptsOf(record([call(0)], [task('call', 15)])).attempts).toHaveLength(1);
  });

  it('keeps both when they are 16 minutes apart, in time order', () => {
    const { attempts } = attemptsOf(record([call(16)], [task('call', 0)]));
    expect(attempts.map((a) => a.at)).toEqual([at(0), at(16)]);
  });

  it('never merges across channels', () => {
    expect(attemptsOf(record([call(1)], [task('email', 0, 'sent')])).attempts).toHaveLength(2);
  });

  it('lets one logged call absorb one task only, the nearest', () => {
    const { attempts } = attemptsOf(record([call(5)], [task('call', 0), task('call', 4)]));
    expect(attempts.map((a) => a.at)).toEqual([at(0), at(5)]);
  });

  it('keeps the reached outcome the rep put on the task when the logged call has none', () => {
    const lead = attemptsOf(record([call(3, 'no_answer')], [task('call', 0, 'connected')]));
    expect(lead.attempts).toEqual([{ channel: 'call', at: at(3), outcome: 'connected' }]);
    expect(lead.reach).toEqual({ status: 'reached', attempt: 1, by: 'outcome' });
  });

  it('counts a completed task without a logged call, at its due time when it has no done time', () => {
    const { doneAt: _, ...undated } = task('call', 30);
    const { attempts } = attemptsOf(record([], [task('email', 0), undated]));
    expect(attempts).toEqual([
      { channel: 'email', at: at(0) },
      { channel: 'call', at: at(30) },
    ]);
  });

  it('does not count open or closed tasks, nor SMS, social and plain tasks', () => {
    const tasks = [
      task('call', 0, undefined, 'open'),
      task('call', 1, undefined, 'closed'),
      task('sms', 2),
    ];
    const activities: Activity[] = [{ channel: 'social', at: at(3), outcome: 'sent' }];
    expect(attemptsOf(record(activities, tasks)).attempts).toEqual([]);
  });

  it('ignores records from more than a minute before the lead existed, and unreadable times', () => {
    const early = { channel: 'call', at: at(-120), outcome: 'connected' } as const;
    const skewed = { channel: 'call', at: at(-0.5), outcome: 'no_answer' } as const;
    const garbled = { channel: 'email', at: 'yesterday-ish', outcome: 'sent' } as const;
    const lead = attemptsOf(record([early, skewed, garbled]));
    expect(lead.attempts).toEqual([skewed]);
    expect(lead.reach).toEqual(NOT_REACHED);
  });
});

describe('attemptsOf: when the lead was reached', () => {
  it('at the first attempt with a connected, replied or meeting outcome', () => {
    const lead = attemptsOf(
      record([call(0), call(60), call(120, 'connected'), call(180, 'meeting')]),
    );
    expect(lead.reach).toEqual({ status: 'reached', attempt: 3, by: 'outcome' });
  });

  it('a reply is not an attempt: it reaches the lead at the number of attempts made by then', () => {
    const lead = attemptsOf(
      record([email(0), call(60), email(90, 'replied'), call(120, 'connected')]),
    );
    expect(lead.attempts.map((a) => a.channel)).toEqual(['email', 'call', 'call']);
    expect(lead.reach).toEqual({ status: 'reached', attempt: 2, by: 'contact' });
  });

  it('a lead that wrote before any attempt was reached without one, whatever came after', () => {
    const lead = attemptsOf(record([email(0, 'replied'), call(5, 'connected')]));
    expect(lead.reach).toEqual({ status: 'reached_without_attempt', by: 'contact' });
  });

  it('a meeting logged outside calls and emails counts as contact', () => {
    const meeting: Activity = { channel: 'task', at: at(200), outcome: 'meeting' };
    const lead = attemptsOf(record([call(0), call(100), meeting, call(300)]));
    expect(lead.reach).toEqual({ status: 'reached', attempt: 2, by: 'contact' });
  });

  it('by status alone: at the last attempt, or without an attempt', () => {
    const worked = record([call(0), email(1), call(60)]);
    expect(attemptsOf(worked, { reachedByStatus: true }).reach).toEqual({
      status: 'reached',
      attempt: 3,
      by: 'status',
    });
    expect(attemptsOf(record([]), { reachedByStatus: true }).reach).toEqual({
      status: 'reached_without_attempt',
      by: 'status',
    });
    expect(attemptsOf(worked).reach).toEqual(NOT_REACHED);
  });

  it('a recorded contact beats the status', () => {
    const lead = attemptsOf(record([call(0, 'connected'), call(60)]), { reachedByStatus: true });
    expect(lead.reach).toEqual({ status: 'reached', attempt: 1, by: 'outcome' });
  });
});

describe('buildAttemptsReport: channels', () => {
  const leads = [
    record([email(0), call(1), call(60, 'connected')]),
    record([call(0)], [task('email', 5, 'replied')]),
    record([email(0), email(60), email(90, 'replied')]),
    record([call(0), call(60), call(120)]),
  ].map((r) => attemptsOf(r));
  const { all, calls, emails } = buildAttemptsReport(leads, OPTIONS).curves;

  it('numbers the reaching attempt among all attempts', () => {
    expect(all.points.map((p) => [p.attempted, p.reached, p.shareOfReached])).toEqual([
      [4, 0, 0],
      [4, 2, 0.6667],
      [2, 1, 1],
    ]);
  });

  it('numbers it within its channel, for the leads reached on that channel', () => {
    expect(calls.reached).toBe(1);
    expect(calls.points.map((p) => [p.attempted, p.reached, p.shareOfReached])).toEqual([
      [3, 0, 0],
      [2, 1, 1],
      [1, 0, 1],
    ]);
    expect(emails.points.map((p) => [p.attempted, p.reached, p.shareOfLeads])).toEqual([
      [3, 1, 0.25],
      [1, 1, 0.5],
    ]);
  });
});

describe('buildAttemptsReport: speed to lead', () => {
  const leads = [
    attempted(CREATED, [30, 400], REACHED_AT_1),
    attempted(CREATED, [60], NOT_REACHED),
    attempted(CREATED, [200], REACHED_AT_1),
    attempted(CREATED, [1000], NOT_REACHED),
    attempted(CREATED, [7200], REACHED_AT_1),
    attempted(CREATED, [], { status: 'reached_without_attempt', by: 'status' }),
  ];
  const { speedToLead, reachedWithoutAttempt, reachedByStatus } = buildAttemptsReport(
    leads,
    OPTIONS,
  );

  it('takes median and 90th percentile over attempted leads, interpolating between ranks', () => {
    expect(speedToLead.attempted).toBe(5);
    expect(speedToLead.medianSeconds).toBe(200);
    expect(speedToLead.p90Seconds).toBe(4720);
  });

  it('gives the shares of all leads attempted within 1 minute, 5 minutes and 1 hour', () => {
    const { within1m, within5m, within1h } = speedToLead;
    expect([within1m, within5m, within1h]).toEqual([0.3333, 0.5, 0.6667]);
  });

  it('gives the reached rate per bucket, with the leads reached without an attempt apart', () => {
    expect(speedToLead.buckets.map((b) => [b.bucket, b.leads, b.reached, b.reachedRate])).toEqual([
      ['within_1m', 2, 1, 0.5],
      ['1m_to_5m', 1, 1, 1],
      ['5m_to_1h', 1, 0, 0],
      ['over_1h', 1, 1, 1],
      ['never_attempted', 1, 1, 1],
    ]);
    expect([reachedWithoutAttempt, reachedByStatus]).toEqual([1, 1]);
  });

  it('averages the two middle values of an even count, and counts early-logged attempts as 0', () => {
    const even = [attempted(CREATED, [10], NOT_REACHED), attempted(CREATED, [20], NOT_REACHED)];
    expect(buildAttemptsReport(even, OPTIONS).speedToLead.medianSeconds).toBe(15);
    const early = [attempted(CREATED, [-30], NOT_REACHED)];
    expect(buildAttemptsReport(early, OPTIONS).speedToLead.medianSeconds).toBe(0);
    expect(percentile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 10);
  });
});

describe('buildAttemptsReport: window and options', () => {
  it('counts leads created from since up to, not including, until', () => {
    const created = ['2026-02-28T23:59:59Z', OPTIONS.since, '2026-03-31T23:59:59Z', OPTIONS.until];
    const leads = created.map((c) => attempted(c, [], NOT_REACHED));
    const report = buildAttemptsReport(leads, OPTIONS);
    expect(report.leads).toBe(2);
    expect(report.window).toEqual({
      since: '2026-03-01T00:00:00.000Z',
      until: '2026-04-01T00:00:00.000Z',
    });
  });

  it('reports an empty window with nulls, not zeros or NaN', () => {
    const report = buildAttemptsReport([], OPTIONS);
    expect(report).toMatchObject({ leads: 0, reached: 0, reachRate: null, marginal: 0.02 });
    expect(report.curves.all).toEqual({ reached: 0, yourNumber: null, cadenceCap: 11, points: [] });
    expect(report.speedToLead).toMatchObject({
      medianSeconds: null,
      p90Seconds: null,
      within1m: null,
    });
    expect(report.speedToLead.buckets.every((b) => b.leads === 0 && b.reachedRate === null)).toBe(
      true,
    );
  });

  it('rejects bad options, naming the option', () => {
    const build = (o: Partial<AttemptsReportOptions>) => () =>
      buildAttemptsReport([], { ...OPTIONS, ...o });
    expect(build({ since: 'last week' })).toThrow(/^since: /);
    expect(build({ until: '2026-02-01T00:00:00Z' })).toThrow(/^until: /);
    for (const marginal of [0, 1.5, Number.NaN]) expect(build({ marginal })).toThrow(/^marginal: /);
    expect(build({ cap: { calls: -1, emails: 5, total: 4 } })).toThrow(/^cap\.calls: /);
  });
});

describe('attemptsReportCsv', () => {
  const csv = attemptsReportCsv(researchReport());
  const rows = parseCsv(csv);
  const header = rows[0] ?? [];
  const cell = (row: string[] | undefined, column: string) => row?.[header.indexOf(column)];
  const metric = (name: string) => rows.find((r) => r[0] === name)?.[1];

  it('ends every line with CRLF', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('has one row per attempt number with all, calls and emails side by side', () => {
    expect(header).toHaveLength(16);
    expect(header.slice(0, 6)).toEqual([
      'attempt',
      'all_attempted',
      'all_reached',
      'all_cumulative',
      'all_share_of_reached',
      'all_share_of_leads',
    ]);
    const perAttempt = rows.slice(
      1,
      rows.findIndex((r) => r.length === 1 && r[0] === ''),
    );
    expect(perAttempt.map((r) => r[0])).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i + 1)),
    );
    expect(cell(perAttempt[5], 'calls_share_of_reached')).toBe('0.93');
    expect(cell(perAttempt[0], 'emails_attempted')).toBe('250');
    expect(cell(perAttempt[0], 'emails_share_of_reached')).toBe('');
    expect(cell(perAttempt[6], 'emails_attempted')).toBe('');
  });

  it('follows with a metric,value table of the summary', () => {
    expect(rows).toContainEqual(['metric', 'value']);
    expect([metric('leads'), metric('your_number_calls'), metric('cadence_cap_calls')]).toEqual([
      '1250',
      '6',
      '6',
    ]);
    expect(metric('your_number_emails')).toBe('');
    expect(metric('bucket_never_attempted_leads')).toBe('0');
  });

  it('quotes text with commas, quotes and line breaks so it reads back unchanged', () => {
    const odd = 'a "quoted", value\r\nnext';
    const report = buildAttemptsReport([], OPTIONS);
    const back = parseCsv(
      attemptsReportCsv({ ...report, window: { ...report.window, since: odd } }),
    );
    expect(back.find((r) => r[0] === 'since')).toEqual(['since', odd]);
  });
});

describe('attemptsReportHtml', () => {
  const html = attemptsReportHtml(researchReport());
  const attr = (id: string, name: string) =>
    new RegExp(`id="${id}"[^>]*\\s${name}="([^"]*)"`).exec(html)?.[1];

  it('plots each curve with its points readable from data attributes', () => {
    expect(attr('curve-calls', 'data-points')).toBe(
      '1,0.48 2,0.7 3,0.78 4,0.84 5,0.89 6,0.93 7,0.945 8,0.958 9,0.97 10,0.98 11,0.99 12,1',
    );
    expect(attr('curve-emails', 'data-points')).toBe('');
  });

  it('places points on axes from attempt 0 to the last attempt and from 0% to 100%', () => {
    const coords = attr('curve-all', 'points')?.split(' ');
    expect(coords?.[0]).toBe('110,148.8');
    expect(coords?.at(-1)).toBe('616,24');
    expect(html).toContain('Attempt number');
    expect(html).toContain('Share of reached leads');
  });

  it('marks your number and the cadence cap', () => {
    expect(attr('your-number', 'data-attempt')).toBe('6');
    expect(attr('cadence-cap', 'data-attempt')).toBe('11');
  });

  it('marks your number on each curve that has one, named after its curve', () => {
    expect(attr('your-number-calls', 'data-attempt')).toBe('6');
    expect(html).toContain('your number, all attempts: 6');
    expect(html).toContain('your number, calls: 6');
    expect(html).not.toContain('id="your-number-emails"');
  });

  it('has no legend entry without a line, and says which line is missing', () => {
    const legend = /<figcaption class="legend">(.*?)<\/figcaption>/.exec(html)?.[1] ?? '';
    expect(legend).toContain('data-curve="all"');
    expect(legend).toContain('data-curve="calls"');
    expect(legend).not.toContain('data-curve="emails"');
    expect(legend).toContain('no line for emails');
  });

  it('says the window in dates, the last day included, and plain column headers', () => {
    const page = attemptsReportHtml({
      ...researchReport(),
      window: { since: '2026-10-01T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' },
    });
    expect(page).toMatch(/>1 Oct 2026<\/time> to <time[^>]*>31 Oct 2026<\/time> \(UTC\)/);
    expect(page).not.toMatch(/>\d{4}-\d\d-\d\dT/);
    expect(page).toContain('<th>Reached on this attempt</th>');
    expect(page).not.toContain('Reached by it');
  });

  it('warns that sandbox timings mean nothing, on the sandbox only', () => {
    expect(attemptsReportHtml(researchReport(), { sandbox: true })).toContain('id="sandbox-note"');
    expect(html).not.toContain('id="sandbox-note"');
  });

  it('is self-contained: no script, nothing fetched', () => {
    expect(html).not.toMatch(/<script|<link|\bsrc=|https?:\/\//i);
  });

  it('escapes the text it inserts', () => {
    const report = buildAttemptsReport([], OPTIONS);
    const page = attemptsReportHtml({
      ...report,
      window: { ...report.window, until: '<img onerror=x>"' },
    });
    expect(page).toContain('&lt;img onerror=x&gt;&quot;');
    expect(page).not.toContain('<img');
  });

  it('says so when the window has no lead, and draws no your-number marker', () => {
    const page = attemptsReportHtml(buildAttemptsReport([], OPTIONS));
    expect(page).toContain('id="empty"');
    expect(page).not.toContain('id="your-number"');
  });
});
