import { type AttemptsReport, CURVE_NAMES, type CurvePoint } from './report-shape.ts';

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
