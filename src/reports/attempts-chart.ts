import { esc } from '../http/html.ts';
import {
  type AttemptCurve,
  type AttemptsReport,
  CURVE_NAMES,
  type CurveName,
  round,
} from './report-shape.ts';

const CHART = { width: 640, height: 320, left: 64, right: 24, top: 24, bottom: 56 } as const;
const PLOT_W = CHART.width - CHART.left - CHART.right;
const PLOT_H = CHART.height - CHART.top - CHART.bottom;
export const CURVE_COLORS: Record<CurveName, string> = {
  all: '#1f4e79',
  calls: '#2e7d32',
  emails: '#b85c00',
};
export const CURVE_LABELS: Record<CurveName, string> = {
  all: 'all attempts',
  calls: 'calls',
  emails: 'emails',
};

/**
 * The curves' colours for the page's CSS. "All attempts" is drawn wide and pale under the
 * channels: with one channel only, the two curves coincide and both stay visible.
 */
export const CURVE_CSS = [
  '.curve{stroke-width:2}.curve-all{stroke-width:7;stroke-opacity:.35;stroke-linejoin:round}',
  ...CURVE_NAMES.map((n) => `.marker-${n} text{fill:${CURVE_COLORS[n]};font-weight:600}`),
].join('');

export const pct = (value: number | null): string =>
  value === null ? '–' : `${round(value * 100, 1)}%`;

interface Scale {
  readonly maxX: number;
  readonly x: (attempt: number) => number;
  readonly y: (share: number) => number;
}

/** The points a curve draws: attempts with a share of reached leads. */
export const drawnPoints = (curve: AttemptCurve) =>
  curve.points.flatMap((p) =>
    p.shareOfReached === null ? [] : [{ attempt: p.attempt, share: p.shareOfReached }],
  );

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

function curveSvg(name: CurveName, curve: AttemptCurve, scale: Scale): string {
  const points = drawnPoints(curve);
  const data = points.map((p) => `${p.attempt},${p.share}`).join(' ');
  const coords = points.map((p) => `${scale.x(p.attempt)},${scale.y(p.share)}`).join(' ');
  const dots = points.map(
    (p) =>
      `<circle cx="${scale.x(p.attempt)}" cy="${scale.y(p.share)}" r="3"><title>${CURVE_LABELS[name]}, attempt ${p.attempt}: ${pct(p.share)}</title></circle>`,
  );
  return (
    `<polyline id="curve-${name}" class="curve curve-${name}" data-channel="${name}" data-points="${data}" points="${coords}" fill="none" stroke="${CURVE_COLORS[name]}"/>` +
    `<g class="dots" fill="${CURVE_COLORS[name]}">${dots.join('')}</g>`
  );
}

/** A dashed vertical line; labels sit low in the plot, where a cumulative curve has climbed. */
function markerSvg(
  id: string,
  name: CurveName,
  label: string,
  attempt: number,
  scale: Scale,
  row: number,
) {
  const x = scale.x(attempt);
  const left = x > CHART.left + PLOT_W / 2;
  const bottom = CHART.top + PLOT_H;
  return (
    `<g id="${id}" class="marker-${name}" data-attempt="${attempt}" data-channel="${name}" fill="${CURVE_COLORS[name]}" stroke="${CURVE_COLORS[name]}">` +
    `<line class="marker" x1="${x}" x2="${x}" y1="${CHART.top}" y2="${bottom}"/>` +
    `<text x="${left ? x - 4 : x + 4}" y="${bottom - 8 - row * 15}" text-anchor="${left ? 'end' : 'start'}" stroke="none">` +
    `${esc(label)}: ${attempt}</text></g>`
  );
}

/**
 * Your number on each curve that has one, in the curve's colour and named after it, then the
 * cadence cap: a manager reads "6 calls" and "9 attempts in all" apart.
 */
function markersSvg(report: AttemptsReport, scale: Scale): string {
  const numbered = CURVE_NAMES.filter((name) => report.curves[name].yourNumber !== null);
  const markers = numbered.map((name, row) => {
    const id = name === 'all' ? 'your-number' : `your-number-${name}`;
    const attempt = report.curves[name].yourNumber ?? 0;
    return markerSvg(id, name, `your number, ${CURVE_LABELS[name]}`, attempt, scale, row);
  });
  const cap = report.curves.all.cadenceCap;
  const capLabel = 'cadence cap, all attempts';
  return markers.join('') + markerSvg('cadence-cap', 'all', capLabel, cap, scale, numbered.length);
}

export function chartSvg(report: AttemptsReport): string {
  const scale = scaleOf(report);
  return (
    `<svg id="attempts-chart" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="Cumulative share of reached leads by attempt number">` +
    axesSvg(scale) +
    CURVE_NAMES.map((name) => curveSvg(name, report.curves[name], scale)).join('') +
    markersSvg(report, scale) +
    '</svg>'
  );
}

export const CHART_WIDTH = CHART.width;
