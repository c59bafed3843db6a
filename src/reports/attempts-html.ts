import { DateTime } from 'luxon';
import { esc, pageHead } from '../http/html.ts';
import {
  CHART_WIDTH,
  CURVE_COLORS,
  CURVE_CSS,
  CURVE_LABELS,
  chartSvg,
  drawnPoints,
  pct,
} from './attempts-chart.ts';
import {
  type AttemptsReport,
  CURVE_NAMES,
  type CurveName,
  type CurvePoint,
  round,
  type SpeedBucketName,
} from './report-shape.ts';

const BUCKET_LABELS: Record<SpeedBucketName, string> = {
  within_1m: 'Within 1 minute',
  '1m_to_5m': '1 to 5 minutes',
  '5m_to_1h': '5 to 60 minutes',
  over_1h: 'Over 1 hour',
  never_attempted: 'Never attempted',
};

export interface ReportPageOptions {
  /** The sandbox CRM completes tasks the moment they are posted: its timings mean nothing. */
  readonly sandbox?: boolean;
}

function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${round(seconds / 60, 1)} min`;
  return `${round(seconds / 3600, 1)} h`;
}

/**
 * The window as a person says it: `1 Oct 2026 to 31 Oct 2026 (UTC)`, the last day included;
 * a bound off midnight keeps its time. Text that is no date is shown as it came.
 */
function windowText(since: string, until: string): string {
  const [from, to] = [since, until].map((iso) => DateTime.fromISO(iso, { zone: 'utc' }));
  if (!from?.isValid || !to?.isValid) return `${esc(since)} to ${esc(until)}`;
  const midnight = (t: DateTime) => t.equals(t.startOf('day'));
  const day = (t: DateTime) => t.toFormat(midnight(t) ? 'd LLL yyyy' : 'd LLL yyyy, HH:mm');
  const last = midnight(to) ? to.minus({ days: 1 }) : to;
  return (
    `<time datetime="${esc(since)}">${day(from)}</time> to ` +
    `<time datetime="${esc(until)}">${midnight(to) ? last.toFormat('d LLL yyyy') : `${day(to)} (excluded)`}</time> (UTC)`
  );
}

/** Channels with attempts get their columns; a channel nobody used would be empty columns. */
const shownCurves = (report: AttemptsReport): CurveName[] =>
  CURVE_NAMES.filter((name) => name === 'all' || report.curves[name].points.length > 0);

function pointsTable(report: AttemptsReport): string {
  const channels = shownCurves(report).filter((name) => name !== 'all');
  const cells = (c: CurvePoint | undefined) =>
    c ? `<td>${c.reached}</td><td>${pct(c.shareOfReached)}</td>` : '<td></td><td></td>';
  const rows = report.curves.all.points.map(
    (p, i) =>
      `<tr><th scope="row">${p.attempt}</th><td>${p.attempted}</td>${cells(p)}<td>${pct(p.shareOfLeads)}</td>` +
      channels.map((name) => cells(report.curves[name].points[i])).join('') +
      '</tr>',
  );
  const channelHeads = channels
    .map((n) => `<th colspan="2">${n === 'calls' ? 'Calls' : 'Emails'}</th>`)
    .join('');
  const channelCols = channels
    .map(
      (n) =>
        `<th>Reached on this ${n === 'calls' ? 'call' : 'email'}</th><th>Reached so far, of all reached</th>`,
    )
    .join('');
  return (
    '<div class="scroll"><table id="points"><thead><tr><th rowspan="2">Attempt</th><th colspan="4">All attempts</th>' +
    `${channelHeads}</tr><tr><th>Leads tried this often</th><th>Reached on this attempt</th>` +
    `<th>Reached so far, of all reached</th><th>Reached so far, of all leads</th>${channelCols}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function summaryList(report: AttemptsReport): string {
  const number = (name: CurveName) => {
    const c = report.curves[name];
    const value = c.yourNumber === null ? 'none yet: no lead reached' : c.yourNumber;
    return `<dt>Your number, ${CURVE_LABELS[name]}</dt><dd data-curve="${name}">${value} (the cadence has ${c.cadenceCap})</dd>`;
  };
  return (
    `<dl id="summary"><dt>Leads</dt><dd>${report.leads}</dd><dt>Attempted</dt><dd>${report.attempted}</dd>` +
    `<dt>Reached</dt><dd>${report.reached} (${pct(report.reachRate)})</dd>` +
    `<dt>Reached without an attempt</dt><dd>${report.reachedWithoutAttempt}</dd>` +
    `<dt>Reached, known from the status only</dt><dd>${report.reachedByStatus}</dd>` +
    `${CURVE_NAMES.map(number).join('')}</dl>` +
    `<p>Your number: the attempt after which each further attempt adds less than ${esc(round(report.marginal * 100, 2))} percentage points to the share of reached leads. Calls and emails are counted each on their own, and together in "all attempts".</p>`
  );
}

function speedTable({ speedToLead: s }: AttemptsReport, options: ReportPageOptions): string {
  const rows = s.buckets.map(
    (b) =>
      `<tr data-bucket="${b.bucket}"><th scope="row">${BUCKET_LABELS[b.bucket]}</th><td>${b.leads}</td><td>${b.reached}</td><td>${pct(b.reachedRate)}</td></tr>`,
  );
  const note = options.sandbox
    ? '<p id="sandbox-note" class="note">Sandbox CRM: a task is completed the moment it is posted to the API, so the speed-to-lead figures below mean nothing here. With HubSpot or Salesforce they are the reps\' real times.</p>'
    : '';
  return (
    `${note}<dl id="speed"><dt>Median time to first attempt</dt><dd>${duration(s.medianSeconds)}</dd>` +
    `<dt>90th percentile</dt><dd>${duration(s.p90Seconds)}</dd>` +
    `<dt>Attempted within 1 minute / 5 minutes / 1 hour</dt><dd>${pct(s.within1m)} / ${pct(s.within5m)} / ${pct(s.within1h)}</dd></dl>` +
    '<div class="scroll"><table id="speed-buckets"><thead><tr><th>First attempt</th><th>Leads</th><th>Reached</th><th>Share reached</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function legendHtml(report: AttemptsReport): string {
  // Only curves that are drawn: a legend entry without a line is a question without an answer.
  const drawn = CURVE_NAMES.filter((name) => drawnPoints(report.curves[name]).length > 0);
  const missing = CURVE_NAMES.filter((name) => !drawn.includes(name));
  const keys = drawn.map(
    (n) =>
      `<span data-curve="${n}"><i class="key-${n}" style="background:${CURVE_COLORS[n]}"></i>${CURVE_LABELS[n]}</span>`,
  );
  const none =
    missing.length > 0
      ? ` <span class="missing">(no line for ${missing.map((n) => CURVE_LABELS[n]).join(' or ')}: no lead was reached that way)</span>`
      : '';
  return `<figcaption class="legend">Share of the reached leads reached by each attempt: ${keys.join('')}${none}</figcaption>`;
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
figure{margin:1rem 0}svg{width:100%;height:auto;max-width:${CHART_WIDTH}px}svg text{font-size:12px;fill:#333}
.axis{stroke:#333}.grid{stroke:#ddd}.marker{stroke-dasharray:4 3}${CURVE_CSS}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
thead th{text-align:center;vertical-align:bottom}.scroll{overflow-x:auto}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dd{margin:0}
.legend span{white-space:nowrap;margin-left:1em}.legend i.key-all{height:.7em;opacity:.45}.legend .missing{white-space:normal;color:#555}.legend i{display:inline-block;width:1.2em;height:.3em;margin-right:.3em;vertical-align:middle}
.note{background:#fff4d6;border-left:4px solid #e0a100;padding:.5rem .75rem}
@media (max-width:40rem){body{margin:1rem auto}dl{grid-template-columns:1fr}dd{margin-bottom:.3rem}}`;

/**
 * The report as one self-contained HTML page (inline CSS, inline SVG, no script, nothing
 * fetched): the cumulative curves with "your number" on each and the cadence cap, the figures
 * per attempt and the speed to lead. Plotted data sits in attributes a browser test can read:
 * `#curve-all|calls|emails[data-points="attempt,share …"]`, `#your-number[data-attempt]` (all
 * attempts), `#your-number-calls`, `#your-number-emails`, `#cadence-cap[data-attempt]`.
 */
export function attemptsReportHtml(
  report: AttemptsReport,
  options: ReportPageOptions = {},
): string {
  const { since, until } = report.window;
  const empty = report.leads === 0 ? '<p id="empty">No leads were created in this window.</p>' : '';
  return `${pageHead('Attempts until contact', STYLE)}
<body><main><h1>Attempts until contact: find your number</h1>
<p id="window">Leads created from ${windowText(since, until)}.</p>
${empty}${summaryList(report)}
<figure>${chartSvg(report)}${legendHtml(report)}</figure>
<h2>Reached by attempt</h2>${pointsTable(report)}
<h2>Speed to lead</h2>${speedTable(report, options)}
</main></body></html>
`;
}
