import type { LeadRecord } from '../../connectors/crm-connector.port.ts';
import {
  type Activity,
  type Cadence,
  type CadenceTask,
  type Channel,
  type Outcome,
  REACHED_OUTCOMES,
} from '../engine/types.ts';

/** A completed task this close to a logged call/email of its channel is that same attempt. */
export const SAME_ATTEMPT_MS = 15 * 60_000;
/** Records this little before the lead's creation are clock skew between systems, not history. */
export const CLOCK_SKEW_MS = 60_000;

export type AttemptChannel = 'call' | 'email';

/** One contact attempt: a logged call or email, or a completed call/email cadence task. */
export interface Attempt {
  readonly channel: AttemptChannel;
  /** ISO instant of the attempt. */
  readonly at: string;
  /** `undefined`: a completed cadence task on which the rep logged no outcome. */
  readonly outcome?: Outcome;
}

/** What made a lead count as reached. */
export type ReachEvidence = 'outcome' | 'contact' | 'status';

export type Reach =
  | { readonly status: 'not_reached' }
  /** `attempt`: 1-based number, among all the lead's attempts, of the attempt that reached it. */
  | { readonly status: 'reached'; readonly attempt: number; readonly by: ReachEvidence }
  | { readonly status: 'reached_without_attempt'; readonly by: 'contact' | 'status' };

/** A lead reduced to what the report needs. */
export interface LeadAttempts {
  readonly createdAt: string;
  /** Calls and emails, oldest first. */
  readonly attempts: readonly Attempt[];
  readonly reach: Reach;
}

export interface AttemptsOfOptions {
  /**
   * The lead's status says contact was made (converted, or a "contacted" status): the connector
   * decides. Used only when no record says when contact happened.
   * @default false
   */
  readonly reachedByStatus?: boolean;
}

interface Timed extends Attempt {
  readonly time: number;
}

function isAttemptChannel(channel: Channel): channel is AttemptChannel {
  return channel === 'call' || channel === 'email';
}

function isReached(outcome: Outcome | undefined): boolean {
  return outcome !== undefined && REACHED_OUTCOMES.has(outcome);
}

/** A reply is the lead's message, not the rep's attempt. */
function isLoggedAttempt(a: Activity): boolean {
  return isAttemptChannel(a.channel) && a.outcome !== 'replied';
}

function timed(channel: AttemptChannel, at: string, outcome: Outcome | undefined): Timed {
  return { channel, at, time: Date.parse(at), ...(outcome === undefined ? {} : { outcome }) };
}

/** Completed call/email cadence tasks, at the time they were ticked. */
function doneTasks(tasks: readonly CadenceTask[]): Timed[] {
  return tasks
    .filter((t) => t.status === 'completed' && isAttemptChannel(t.channel))
    .map((t) => timed(t.channel as AttemptChannel, t.doneAt ?? t.dueAt, t.outcome));
}

/**
 * Logged attempts plus the done tasks that no logged attempt of their channel accounts for.
 * Pairs within {@link SAME_ATTEMPT_MS} are matched closest first, each side at most once.
 */
function mergeTasks(logged: readonly Timed[], done: readonly Timed[]): Timed[] {
  const pairs = done
    .flatMap((task) => logged.map((a) => ({ task, a, gap: Math.abs(a.time - task.time) })))
    .filter(({ task, a, gap }) => a.channel === task.channel && gap <= SAME_ATTEMPT_MS)
    .sort((x, y) => x.gap - y.gap || x.task.time - y.task.time);
  const merged = new Map<Timed, Timed>();
  const absorbed = new Set<Timed>();
  for (const { task, a } of pairs) {
    if (merged.has(a) || absorbed.has(task)) continue;
    absorbed.add(task);
    merged.set(a, onlyTaskReached(a, task) ? { ...a, outcome: task.outcome } : a);
  }
  const unmatched = done.filter((task) => !absorbed.has(task));
  return [...logged.map((a) => merged.get(a) ?? a), ...unmatched];
}

function onlyTaskReached(logged: Timed, task: Timed): boolean {
  return isReached(task.outcome) && !isReached(logged.outcome);
}

/**
 * The earliest contact: an attempt with a reached outcome counts at its own number; any other
 * record of contact (a reply, a meeting logged as a task, an SMS answered) counts at the number of
 * attempts made by then, 0 when none were.
 */
function firstContact(attempts: readonly Timed[], contacts: readonly number[]): Reach | undefined {
  const byOutcome = attempts.findIndex((a) => isReached(a.outcome)) + 1;
  let best: Reach | undefined =
    byOutcome > 0 ? { status: 'reached', attempt: byOutcome, by: 'outcome' } : undefined;
  for (const time of contacts) {
    const made = attempts.filter((a) => a.time <= time).length;
    if (made === 0) return { status: 'reached_without_attempt', by: 'contact' };
    if (!best || (best.status === 'reached' && made < best.attempt)) {
      best = { status: 'reached', attempt: made, by: 'contact' };
    }
  }
  return best;
}

/**
 * The lead's contact attempts in time order and the attempt that reached it.
 *
 * - Attempts are calls and emails: every logged one (whether or not a cadence task led to it),
 *   except replies, which are the lead's messages; and every completed call/email cadence task
 *   (at `doneAt`, else `dueAt`), unless a logged attempt of the same channel lies within
 *   {@link SAME_ATTEMPT_MS} of it: the rep logged the call and ticked the task, one attempt.
 *   Each logged attempt absorbs at most one task and each task merges at most once, the closest
 *   pairs first; the merged attempt keeps the logged time and outcome, or the task's outcome when
 *   only that one says the lead was reached.
 * - Records more than {@link CLOCK_SKEW_MS} before the lead's creation are ignored: they belong
 *   to an earlier life of the record (an import, a merge) and would give negative speeds to lead.
 *   Records with unreadable times are ignored.
 * - Reached: see `firstContact`. Failing any such record, `reachedByStatus` counts the lead
 *   reached at its last attempt (a status change follows a conversation), or with no attempt.
 */
export function attemptsOf(record: LeadRecord, options: AttemptsOfOptions = {}): LeadAttempts {
  const { createdAt } = record.lead;
  const earliest = Date.parse(createdAt) - CLOCK_SKEW_MS;
  const kept = (time: number): boolean => Number.isFinite(time) && !(time < earliest);
  const logged = record.activities
    .filter(isLoggedAttempt)
    .map((a) => timed(a.channel as AttemptChannel, a.at, a.outcome));
  const done = doneTasks(record.tasks).filter((t) => kept(t.time));
  const attempts = mergeTasks(
    logged.filter((a) => kept(a.time)),
    done,
  ).sort((a, b) => a.time - b.time);
  const contacts = [
    ...record.activities
      .filter((a) => !isLoggedAttempt(a) && isReached(a.outcome))
      .map((a) => a.at),
    ...record.tasks
      .filter(
        (t) => t.status === 'completed' && !isAttemptChannel(t.channel) && isReached(t.outcome),
      )
      .map((t) => t.doneAt ?? t.dueAt),
  ]
    .map(Date.parse)
    .filter(kept);
  const reach = firstContact(attempts, contacts) ?? statusReach(attempts.length, options);
  return { createdAt, attempts: attempts.map(({ time: _, ...a }) => a), reach };
}

function statusReach(attempts: number, { reachedByStatus = false }: AttemptsOfOptions): Reach {
  if (!reachedByStatus) return { status: 'not_reached' };
  if (attempts === 0) return { status: 'reached_without_attempt', by: 'status' };
  return { status: 'reached', attempt: attempts, by: 'status' };
}

/** How many attempts the cadence makes at most, per channel: what "your number" compares to. */
export interface CadenceCap {
  readonly calls: number;
  readonly emails: number;
  /** Calls plus emails: other channels are not attempts in this report. */
  readonly total: number;
}

export function cadenceCap(cadence: Cadence): CadenceCap {
  const calls = cadence.steps.filter((s) => s.channel === 'call').length;
  const emails = cadence.steps.filter((s) => s.channel === 'email').length;
  return { calls, emails, total: calls + emails };
}

export interface AttemptsReportOptions {
  /** Leads created at or after this ISO instant. */
  readonly since: string;
  /** Leads created before this ISO instant. */
  readonly until: string;
  /**
   * "Your number" is the attempt after which every further attempt adds less than this share
   * of the reached leads.
   * @default 0.02
   */
  readonly marginal?: number;
  readonly cap: CadenceCap;
}

/** One attempt number on one curve (all attempts, calls only or emails only). */
export interface CurvePoint {
  readonly attempt: number;
  /** Leads with at least this many attempts on the curve's channel(s). */
  readonly attempted: number;
  /** Leads reached at exactly this attempt. */
  readonly reached: number;
  /** Leads reached at this attempt or an earlier one. */
  readonly cumulative: number;
  /** `cumulative` over the curve's `reached`: the research curve. `null` when none. */
  readonly shareOfReached: number | null;
  /** `cumulative` over all the leads of the window. */
  readonly shareOfLeads: number;
}

export interface AttemptCurve {
  /** Leads reached at an attempt of the curve's channel(s). */
  readonly reached: number;
  /** `null` when no lead was reached on this curve. */
  readonly yourNumber: number | null;
  readonly cadenceCap: number;
  readonly points: readonly CurvePoint[];
}

export const SPEED_BUCKETS = [
  'within_1m',
  '1m_to_5m',
  '5m_to_1h',
  'over_1h',
  'never_attempted',
] as const;
export type SpeedBucketName = (typeof SPEED_BUCKETS)[number];

export interface SpeedBucket {
  readonly bucket: SpeedBucketName;
  readonly leads: number;
  readonly reached: number;
  /** `null` when the bucket has no lead. */
  readonly reachedRate: number | null;
}

export interface SpeedToLead {
  /** Leads with at least one attempt: the population of the percentiles. */
  readonly attempted: number;
  readonly medianSeconds: number | null;
  readonly p90Seconds: number | null;
  /** Shares of all leads first attempted within 1 minute, 5 minutes, 1 hour. */
  readonly within1m: number | null;
  readonly within5m: number | null;
  readonly within1h: number | null;
  readonly buckets: readonly SpeedBucket[];
}

export interface AttemptsReport {
  readonly window: { readonly since: string; readonly until: string };
  readonly marginal: number;
  readonly leads: number;
  readonly attempted: number;
  /** All reached leads, with or without an attempt. */
  readonly reached: number;
  readonly reachedWithoutAttempt: number;
  /** Reached leads known only from their status. */
  readonly reachedByStatus: number;
  readonly reachRate: number | null;
  readonly curves: {
    readonly all: AttemptCurve;
    readonly calls: AttemptCurve;
    readonly emails: AttemptCurve;
  };
  readonly speedToLead: SpeedToLead;
}

type CurveKey = 'all' | AttemptChannel;

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const share = (part: number, whole: number): number | null =>
  whole === 0 ? null : round(part / whole, 4);

function countOn(lead: LeadAttempts, key: CurveKey, upTo = lead.attempts.length): number {
  const attempts = lead.attempts.slice(0, upTo);
  return key === 'all' ? attempts.length : attempts.filter((a) => a.channel === key).length;
}

/** The number of the reaching attempt counted on this curve, if the lead belongs to it. */
function reachedOn(lead: LeadAttempts, key: CurveKey): number | undefined {
  if (lead.reach.status !== 'reached') return undefined;
  const reaching = lead.attempts[lead.reach.attempt - 1];
  if (!reaching || (key !== 'all' && reaching.channel !== key)) return undefined;
  return countOn(lead, key, lead.reach.attempt);
}

/**
 * The smallest n >= 1 such that every attempt k > n adds less than `marginal` to the cumulative
 * share of reached leads; the increment at k is exactly reachedAt[k] / reached.
 */
export function yourNumber(reachedAt: readonly number[], marginal: number): number | null {
  const reached = reachedAt.reduce((sum, n) => sum + n, 0);
  if (reached === 0) return null;
  for (let k = reachedAt.length - 1; k >= 1; k--) {
    if ((reachedAt[k] ?? 0) / reached >= marginal) return k;
  }
  return 1;
}

function curveOf(leads: readonly LeadAttempts[], key: CurveKey, cap: number, marginal: number) {
  const counts = leads.map((l) => countOn(l, key));
  const max = counts.reduce((m, c) => Math.max(m, c), 0);
  const withAtLeast = new Array<number>(max + 2).fill(0);
  const reachedAt = new Array<number>(max + 1).fill(0);
  for (const c of counts) withAtLeast[c] = (withAtLeast[c] ?? 0) + 1;
  for (let n = max - 1; n >= 0; n--)
    withAtLeast[n] = (withAtLeast[n] ?? 0) + (withAtLeast[n + 1] ?? 0);
  for (const lead of leads) {
    const n = reachedOn(lead, key);
    if (n !== undefined) reachedAt[n] = (reachedAt[n] ?? 0) + 1;
  }
  const reached = reachedAt.reduce((sum, n) => sum + n, 0);
  let cumulative = 0;
  const points = reachedAt.slice(1).map((r, i): CurvePoint => {
    cumulative += r;
    const attempted = withAtLeast[i + 1] ?? 0;
    const shareOfLeads = share(cumulative, leads.length) ?? 0;
    return {
      attempt: i + 1,
      attempted,
      reached: r,
      cumulative,
      shareOfReached: share(cumulative, reached),
      shareOfLeads,
    };
  });
  return { reached, yourNumber: yourNumber(reachedAt, marginal), cadenceCap: cap, points };
}

/**
 * The p-quantile of ascending values by linear interpolation between closest ranks (R-7: what
 * numpy, Excel's PERCENTILE.INC and Sheets' PERCENTILE compute); p = 0.5 is the usual median.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] ?? 0;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] ?? below;
  return below + (h - lo) * (above - below);
}

/** Seconds from creation to the first attempt; attempts logged a little early count as 0. */
function firstAttemptDelay(lead: LeadAttempts): number | undefined {
  const times = lead.attempts.map((a) => Date.parse(a.at)).filter(Number.isFinite);
  if (times.length === 0) return undefined;
  return Math.max(0, Math.min(...times) - Date.parse(lead.createdAt)) / 1000;
}

function bucketOf(delay: number | undefined): SpeedBucketName {
  if (delay === undefined) return 'never_attempted';
  if (delay <= 60) return 'within_1m';
  if (delay <= 300) return '1m_to_5m';
  if (delay <= 3600) return '5m_to_1h';
  return 'over_1h';
}

function speedToLead(leads: readonly LeadAttempts[]): SpeedToLead {
  const delays = leads.map(firstAttemptDelay);
  const sorted = delays.filter((d) => d !== undefined).sort((a, b) => a - b);
  const within = (s: number) => share(sorted.filter((d) => d <= s).length, leads.length);
  const seconds = (p: number) => {
    const q = percentile(sorted, p);
    return q === null ? null : round(q, 1);
  };
  const buckets = SPEED_BUCKETS.map((bucket): SpeedBucket => {
    const members = leads.filter((_, i) => bucketOf(delays[i]) === bucket);
    const reached = members.filter((l) => l.reach.status !== 'not_reached').length;
    return { bucket, leads: members.length, reached, reachedRate: share(reached, members.length) };
  });
  return {
    attempted: sorted.length,
    medianSeconds: seconds(0.5),
    p90Seconds: seconds(0.9),
    within1m: within(60),
    within5m: within(300),
    within1h: within(3600),
    buckets,
  };
}

function instant(name: string, value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new RangeError(`${name}: expected an ISO date-time, got ${JSON.stringify(value)}`);
  }
  return time;
}

function checkCap(cap: CadenceCap): void {
  for (const key of ['calls', 'emails', 'total'] as const) {
    if (!Number.isInteger(cap[key]) || cap[key] < 0) {
      throw new RangeError(`cap.${key}: expected a whole number >= 0, got ${cap[key]}`);
    }
  }
}

/**
 * The attempts-until-contact report over the leads created in [since, until). Leads outside the
 * window are left out, so a connector may over-fetch. Ratios are computed from counts and rounded
 * to 4 decimals; ratios over nothing are `null`.
 */
export function buildAttemptsReport(
  leads: readonly LeadAttempts[],
  options: AttemptsReportOptions,
): AttemptsReport {
  const since = instant('since', options.since);
  const until = instant('until', options.until);
  if (until < since) throw new RangeError('until: must not be before since');
  const marginal = options.marginal ?? 0.02;
  if (!(marginal > 0 && marginal <= 1)) {
    throw new RangeError(`marginal: expected a share in (0, 1], got ${marginal}`);
  }
  checkCap(options.cap);
  const { cap } = options;
  const inWindow = leads.filter((l) => {
    const created = Date.parse(l.createdAt);
    return created >= since && created < until;
  });
  const reached = inWindow.filter((l) => l.reach.status !== 'not_reached');
  return {
    window: { since: new Date(since).toISOString(), until: new Date(until).toISOString() },
    marginal,
    leads: inWindow.length,
    attempted: inWindow.filter((l) => l.attempts.length > 0).length,
    reached: reached.length,
    reachedWithoutAttempt: reached.filter((l) => l.reach.status === 'reached_without_attempt')
      .length,
    reachedByStatus: reached.filter(
      (l) => l.reach.status !== 'not_reached' && l.reach.by === 'status',
    ).length,
    reachRate: share(reached.length, inWindow.length),
    curves: {
      all: curveOf(inWindow, 'all', cap.total, marginal),
      calls: curveOf(inWindow, 'call', cap.calls, marginal),
      emails: curveOf(inWindow, 'email', cap.emails, marginal),
    },
    speedToLead: speedToLead(inWindow),
  };
}

const CURVE_NAMES = ['all', 'calls', 'emails'] as const;
const POINT_COLUMNS = {
  attempted: 'attempted',
  reached: 'reached',
  cumulative: 'cumulative',
  shareOfReached: 'share_of_reached',
  shareOfLeads: 'share_of_leads',
} as const satisfies Partial<Record<keyof CurvePoint, string>>;
const POINT_KEYS = Object.keys(POINT_COLUMNS) as (keyof typeof POINT_COLUMNS)[];

type Cell = string | number | null | undefined;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(cell: Cell): string {
  const text = cell === null || cell === undefined ? '' : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRows(report: AttemptsReport): Cell[][] {
  const { curves, speedToLead: speed } = report;
  const header = [
    'attempt',
    ...CURVE_NAMES.flatMap((name) => POINT_KEYS.map((k) => `${name}_${POINT_COLUMNS[k]}`)),
  ];
  const rows = curves.all.points.map((p, i) => [
    p.attempt,
    ...CURVE_NAMES.flatMap((name) => POINT_KEYS.map((k) => curves[name].points[i]?.[k])),
  ]);
  const summary: Cell[][] = [
    ['since', report.window.since],
    ['until', report.window.until],
    ['marginal', report.marginal],
    ['leads', report.leads],
    ['attempted', report.attempted],
    ['reached', report.reached],
    ['reached_without_attempt', report.reachedWithoutAttempt],
    ['reached_by_status', report.reachedByStatus],
    ['reach_rate', report.reachRate],
    ...CURVE_NAMES.flatMap((name): Cell[][] => [
      [`your_number_${name}`, curves[name].yourNumber],
      [`cadence_cap_${name}`, curves[name].cadenceCap],
    ]),
    ['speed_median_seconds', speed.medianSeconds],
    ['speed_p90_seconds', speed.p90Seconds],
    ['attempted_within_1m', speed.within1m],
    ['attempted_within_5m', speed.within5m],
    ['attempted_within_1h', speed.within1h],
    ...speed.buckets.flatMap((b): Cell[][] => [
      [`bucket_${b.bucket}_leads`, b.leads],
      [`bucket_${b.bucket}_reached`, b.reached],
      [`bucket_${b.bucket}_reached_rate`, b.reachedRate],
    ]),
  ];
  return [header, ...rows, [], ['metric', 'value'], ...summary];
}

/**
 * The report as CSV for a spreadsheet: a table with one row per attempt number (all attempts,
 * calls only and emails only side by side; cells past a channel's last attempt are empty), an
 * empty line, then a `metric,value` table of the summary and speed-to-lead figures. Lines end in
 * CRLF as RFC 4180 says; Excel and Sheets read both. Empty cells stand for `null`.
 */
export function attemptsReportCsv(report: AttemptsReport): string {
  return `${csvRows(report)
    .map((row) => row.map(csvField).join(','))
    .join('\r\n')}\r\n`;
}

const CHART = { width: 640, height: 320, left: 64, right: 24, top: 24, bottom: 56 } as const;
const PLOT_W = CHART.width - CHART.left - CHART.right;
const PLOT_H = CHART.height - CHART.top - CHART.bottom;
const COLORS = { all: '#1f4e79', calls: '#2e7d32', emails: '#b85c00' } as const;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const BUCKET_LABELS: Record<SpeedBucketName, string> = {
  within_1m: 'Within 1 minute',
  '1m_to_5m': '1 to 5 minutes',
  '5m_to_1h': '5 to 60 minutes',
  over_1h: 'Over 1 hour',
  never_attempted: 'Never attempted',
};

function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function pct(value: number | null): string {
  return value === null ? '–' : `${round(value * 100, 1)}%`;
}

function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${round(seconds / 60, 1)} min`;
  return `${round(seconds / 3600, 1)} h`;
}

interface Scale {
  readonly maxX: number;
  readonly x: (attempt: number) => number;
  readonly y: (share: number) => number;
}

function scaleOf(report: AttemptsReport): Scale {
  const lengths = CURVE_NAMES.map((name) => report.curves[name].points.length);
  const maxX = Math.max(1, report.curves.all.cadenceCap, ...lengths);
  return {
    maxX,
    x: (attempt) => round(CHART.left + (attempt / maxX) * PLOT_W, 1),
    y: (s) => round(CHART.top + (1 - s) * PLOT_H, 1),
  };
}

function axesSvg({ maxX, x, y }: Scale): string {
  const bottom = CHART.top + PLOT_H;
  const step = Math.ceil(maxX / 12);
  const xTicks: string[] = [];
  for (let n = 0; n <= maxX; n += step) {
    xTicks.push(`<text x="${x(n)}" y="${bottom + 18}" text-anchor="middle">${n}</text>`);
  }
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map(
    (s) =>
      `<line class="grid" x1="${CHART.left}" x2="${CHART.left + PLOT_W}" y1="${y(s)}" y2="${y(s)}"/>` +
      `<text x="${CHART.left - 8}" y="${y(s) + 4}" text-anchor="end">${s * 100}%</text>`,
  );
  return (
    `<g id="x-axis"><line class="axis" x1="${CHART.left}" x2="${CHART.left + PLOT_W}" y1="${bottom}" y2="${bottom}"/>` +
    `${xTicks.join('')}<text x="${CHART.left + PLOT_W / 2}" y="${CHART.height - 12}" text-anchor="middle">Attempt number</text></g>` +
    `<g id="y-axis"><line class="axis" x1="${CHART.left}" x2="${CHART.left}" y1="${CHART.top}" y2="${bottom}"/>${yTicks.join('')}` +
    `<text transform="translate(16 ${CHART.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">Share of reached leads</text></g>`
  );
}

function curveSvg(name: (typeof CURVE_NAMES)[number], curve: AttemptCurve, scale: Scale): string {
  const points = curve.points.flatMap((p) =>
    p.shareOfReached === null ? [] : [{ attempt: p.attempt, share: p.shareOfReached }],
  );
  const data = points.map((p) => `${p.attempt},${p.share}`).join(' ');
  const coords = points.map((p) => `${scale.x(p.attempt)},${scale.y(p.share)}`).join(' ');
  const dots = points.map(
    (p) =>
      `<circle cx="${scale.x(p.attempt)}" cy="${scale.y(p.share)}" r="3"><title>${name}, attempt ${p.attempt}: ${pct(p.share)}</title></circle>`,
  );
  return (
    `<polyline id="curve-${name}" class="curve" data-channel="${name}" data-points="${data}" points="${coords}" fill="none" stroke="${COLORS[name]}" stroke-width="2"/>` +
    `<g class="dots" fill="${COLORS[name]}">${dots.join('')}</g>`
  );
}

/** A dashed vertical line; labels sit low in the plot, where a cumulative curve has climbed. */
function markerSvg(id: string, label: string, attempt: number | null, scale: Scale, row: number) {
  if (attempt === null) return '';
  const x = scale.x(attempt);
  const left = x > CHART.left + PLOT_W / 2;
  const bottom = CHART.top + PLOT_H;
  return (
    `<g id="${id}" data-attempt="${attempt}" data-channel="all">` +
    `<line class="marker" x1="${x}" x2="${x}" y1="${CHART.top}" y2="${bottom}"/>` +
    `<text x="${left ? x - 4 : x + 4}" y="${bottom - 8 - row * 14}" text-anchor="${left ? 'end' : 'start'}">` +
    `${esc(label)}: ${attempt}</text></g>`
  );
}

function chartSvg(report: AttemptsReport): string {
  const scale = scaleOf(report);
  const { all } = report.curves;
  return (
    `<svg id="attempts-chart" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="Cumulative share of reached leads by attempt number">` +
    axesSvg(scale) +
    CURVE_NAMES.map((name) => curveSvg(name, report.curves[name], scale)).join('') +
    markerSvg('your-number', 'your number', all.yourNumber, scale, 0) +
    markerSvg('cadence-cap', 'cadence cap', all.cadenceCap, scale, 1) +
    '</svg>'
  );
}

function pointsTable({ curves }: AttemptsReport): string {
  const cells = (c: CurvePoint | undefined) =>
    c ? `<td>${c.reached}</td><td>${pct(c.shareOfReached)}</td>` : '<td></td><td></td>';
  const rows = curves.all.points.map(
    (p, i) =>
      `<tr><th scope="row">${p.attempt}</th><td>${p.attempted}</td>${cells(p)}<td>${pct(p.shareOfLeads)}</td>` +
      `${cells(curves.calls.points[i])}${cells(curves.emails.points[i])}</tr>`,
  );
  return (
    '<table id="points"><thead><tr><th rowspan="2">Attempt</th><th colspan="4">All attempts</th>' +
    '<th colspan="2">Calls</th><th colspan="2">Emails</th></tr><tr><th>Leads attempted</th>' +
    '<th>Reached at it</th><th>Reached by it (of reached)</th><th>Reached by it (of all)</th>' +
    '<th>Reached at it</th><th>By it (of reached)</th><th>Reached at it</th><th>By it (of reached)</th>' +
    `</tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

const CURVE_LABELS = { all: 'all attempts', calls: 'calls', emails: 'emails' } as const;

function summaryList(report: AttemptsReport): string {
  const number = (name: (typeof CURVE_NAMES)[number]) => {
    const c = report.curves[name];
    return `<dt>Your number, ${CURVE_LABELS[name]}</dt><dd data-curve="${name}">${c.yourNumber ?? '–'} (cadence: ${c.cadenceCap})</dd>`;
  };
  return (
    `<dl id="summary"><dt>Leads</dt><dd>${report.leads}</dd><dt>Attempted</dt><dd>${report.attempted}</dd>` +
    `<dt>Reached</dt><dd>${report.reached} (${pct(report.reachRate)})</dd>` +
    `<dt>Reached without an attempt</dt><dd>${report.reachedWithoutAttempt}</dd>` +
    `<dt>Reached, known from the status only</dt><dd>${report.reachedByStatus}</dd>` +
    `${CURVE_NAMES.map(number).join('')}</dl>` +
    `<p>Your number: the attempt after which each further attempt adds less than ${esc(round(report.marginal * 100, 2))} percentage points to the share of reached leads.</p>`
  );
}

function speedTable({ speedToLead: s }: AttemptsReport): string {
  const rows = s.buckets.map(
    (b) =>
      `<tr data-bucket="${b.bucket}"><th scope="row">${BUCKET_LABELS[b.bucket]}</th><td>${b.leads}</td><td>${b.reached}</td><td>${pct(b.reachedRate)}</td></tr>`,
  );
  return (
    `<dl id="speed"><dt>Median time to first attempt</dt><dd>${duration(s.medianSeconds)}</dd>` +
    `<dt>90th percentile</dt><dd>${duration(s.p90Seconds)}</dd>` +
    `<dt>Attempted within 1 minute / 5 minutes / 1 hour</dt><dd>${pct(s.within1m)} / ${pct(s.within5m)} / ${pct(s.within1h)}</dd></dl>` +
    '<table id="speed-buckets"><thead><tr><th>First attempt</th><th>Leads</th><th>Reached</th><th>Reached rate</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
svg{width:100%;height:auto;max-width:${CHART.width}px}svg text{font-size:12px;fill:#333}
.axis{stroke:#333}.grid{stroke:#ddd}.marker{stroke:#888;stroke-dasharray:4 3}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dd{margin:0}
.legend span{display:inline-block;width:1em;height:.3em;margin:0 .3em .2em 1em;vertical-align:middle}`;

/**
 * The report as one self-contained HTML page (inline CSS, inline SVG, no script, nothing
 * fetched): the cumulative curves with "your number" and the cadence cap of all attempts, the
 * figures per attempt and the speed to lead. Plotted data sits in attributes a browser test can
 * read: `#curve-all|calls|emails[data-points="attempt,share …"]`, `#your-number[data-attempt]`,
 * `#cadence-cap[data-attempt]`.
 */
export function attemptsReportHtml(report: AttemptsReport): string {
  const { since, until } = report.window;
  const legend = CURVE_NAMES.map((n) => `<span style="background:${COLORS[n]}"></span>${n}`);
  const empty = report.leads === 0 ? '<p id="empty">No leads were created in this window.</p>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Attempts until contact</title><style>${STYLE}</style></head>
<body><main><h1>Attempts until contact: find your number</h1>
<p>Leads created from <time datetime="${esc(since)}">${esc(since)}</time> until <time datetime="${esc(until)}">${esc(until)}</time> (excluded).</p>
${empty}${summaryList(report)}
<figure>${chartSvg(report)}<figcaption class="legend">Cumulative share of the reached leads reached by each attempt:${legend.join('')}</figcaption></figure>
<h2>Reached by attempt</h2>${pointsTable(report)}
<h2>Speed to lead</h2>${speedTable(report)}
</main></body></html>
`;
}
