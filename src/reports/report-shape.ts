/** The shape of an attempts report, shared by the builder and the CSV and HTML renderers. */

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

/** Rounds to `digits` decimals: figures are computed exact and rounded only for output. */
export const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** The curves of a report, in the order the CSV and the page show them. */
export const CURVE_NAMES = ['all', 'calls', 'emails'] as const;
export type CurveName = (typeof CURVE_NAMES)[number];
