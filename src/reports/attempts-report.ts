import type { AttemptChannel, CadenceCap, LeadAttempts } from './lead-attempts.ts';
import {
  type AttemptsReport,
  type CurvePoint,
  round,
  SPEED_BUCKETS,
  type SpeedBucket,
  type SpeedBucketName,
  type SpeedToLead,
} from './report-shape.ts';

export { attemptsReportCsv } from './attempts-csv.ts';
export { attemptsReportHtml } from './attempts-html.ts';
export {
  type Attempt,
  attemptsOf,
  cadenceCap,
  type LeadAttempts,
  type Reach,
} from './lead-attempts.ts';
export type { AttemptsReport } from './report-shape.ts';

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

type CurveKey = 'all' | AttemptChannel;

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
function yourNumber(reachedAt: readonly number[], marginal: number): number | null {
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
