import { esc, pageHead } from '../http/html.ts';
import {
  type AttemptCurve,
  type AttemptsReport,
  CURVE_NAMES,
  type CurvePoint,
  round,
  type SpeedBucketName,
} from './report-shape.ts';

const CHART = { width: 640, height: 320, left: 64, right: 24, top: 24, bottom: 56 } as const;
const PLOT_W = CHART.width - CHART.left - CHART.right;
const PLOT_H = CHART.height - CHART.top - CHART.bottom;
const COLORS = { all: '#1f4e79', calls: '#2e7d32', emails: '#b85c00' } as const;
const BUCKET_LABELS: Record<SpeedBucketName, string> = {
  within_1m: 'Within 1 minute',
  '1m_to_5m': '1 to 5 minutes',
  '5m_to_1h': '5 to 60 minutes',
  over_1h: 'Over 1 hour',
  never_attempted: 'Never attempted',
};

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
  return `${pageHead('Attempts until contact', STYLE)}
<body><main><h1>Attempts until contact: find your number</h1>
<p>Leads created from <time datetime="${esc(since)}">${esc(since)}</time> until <time datetime="${esc(until)}">${esc(until)}</time> (excluded).</p>
${empty}${summaryList(report)}
<figure>${chartSvg(report)}<figcaption class="legend">Cumulative share of the reached leads reached by each attempt:${legend.join('')}</figcaption></figure>
<h2>Reached by attempt</h2>${pointsTable(report)}
<h2>Speed to lead</h2>${speedTable(report)}
</main></body></html>
`;
}
