import { DateTime } from 'luxon';
import type { Channel, Schedule } from '../engine/types.ts';
import { esc } from '../http/html.ts';

/** A step of the JSON preview, as much as the chart needs; `reason` when the preview has it. */
export interface PreviewStep {
  readonly step: number;
  readonly channel: Channel;
  readonly title: string;
  readonly reminderAt: string;
  readonly dueAt: string;
  readonly reason?: string;
}

const HOUR_H = 12;
const BOX = { left: 48, top: 40, right: 12, bottom: 12 } as const;
const SHAPES: Record<Channel, (x: number, y: number) => string> = {
  call: (x, y) => `<circle cx="${x}" cy="${y}" r="5"/>`,
  email: (x, y) => `<rect x="${x - 4.5}" y="${y - 4.5}" width="9" height="9"/>`,
  sms: (x, y) => `<path d="M${x} ${y - 6}L${x + 5.5} ${y + 4}H${x - 5.5}Z"/>`,
  social: (x, y) => `<path d="M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z"/>`,
  task: (x, y) =>
    `<path d="M${x - 5} ${y - 5}L${x + 5} ${y + 5}M${x + 5} ${y - 5}L${x - 5} ${y + 5}"/>`,
};

export const CHANNEL_SHAPE = (channel: Channel) =>
  `<svg class="key" viewBox="-7 -7 14 14" aria-hidden="true"><g class="step ${channel}">${SHAPES[channel](0, 0)}</g></svg>`;

interface Grid {
  readonly zone: string;
  readonly day0: DateTime;
  readonly days: number;
  readonly dayW: number;
  readonly x: (day: number) => number;
  readonly y: (minute: number) => number;
  /** Day column and minute of the day of an instant, in the team's zone. */
  readonly at: (instant: DateTime) => { day: number; minute: number };
}

function gridOf(zone: string, arrival: string, steps: readonly PreviewStep[]): Grid {
  const day0 = DateTime.fromISO(arrival, { zone }).startOf('day');
  const dayOf = (t: DateTime) => Math.round(t.setZone(zone).startOf('day').diff(day0, 'days').days);
  const last = Math.max(0, ...steps.map((s) => dayOf(DateTime.fromISO(s.dueAt))));
  const days = Math.max(7, last + 2);
  // About 1000 units across whatever the cadence's length; the page scales it to the screen.
  const dayW = days <= 28 ? 36 : Math.max(4, Math.floor(1008 / days));
  return {
    zone,
    day0,
    days,
    dayW,
    x: (day) => BOX.left + day * dayW,
    y: (minute) => BOX.top + (minute / 60) * HOUR_H,
    at: (instant) => {
      const local = instant.setZone(zone);
      return { day: dayOf(local), minute: local.hour * 60 + local.minute };
    },
  };
}

function band(g: Grid, day: number, from: number, to: number, cls: string, title: string) {
  if (day < 0 || day >= g.days || to <= from) return '';
  const [x, y] = [g.x(day), g.y(from)];
  return `<rect class="${cls}" x="${x}" y="${y}" width="${g.dayW}" height="${g.y(to) - y}"><title>${esc(title)}</title></rect>`;
}

function teamHoursSvg(g: Grid, schedule: Schedule): string {
  const out: string[] = [];
  for (let day = 0; day < g.days; day++) {
    const date = g.day0.plus({ days: day });
    const iso = date.toISODate() ?? '';
    if (schedule.isHoliday(iso)) {
      out.push(band(g, day, 0, 1440, 'holiday', `${iso}: holiday, no step is due`));
      continue;
    }
    for (const r of schedule.businessHours[date.weekday] ?? []) {
      out.push(band(g, day, r.start, r.end, 'team', "team's hours"));
    }
  }
  return `<g id="team-hours">${out.join('')}</g>`;
}

/** The moments a lead may be called within a span (epoch milliseconds), from the engine. */
export type LegalStretches = (span: {
  readonly start: number;
  readonly end: number;
}) => readonly { readonly start: number; readonly end: number }[];

/**
 * The lead's calling window as the engine keeps to it (every candidate zone, the calling rules,
 * the lead's holidays), drawn in the team's zone: a stretch may cross the team's midnight.
 */
function leadWindowSvg(g: Grid, stretches: LegalStretches): string {
  const out: string[] = [];
  const span = { start: g.day0.toMillis(), end: g.day0.plus({ days: g.days }).toMillis() };
  for (const stretch of stretches(span)) {
    let from = DateTime.fromMillis(stretch.start, { zone: g.zone });
    const to = DateTime.fromMillis(stretch.end, { zone: g.zone });
    while (from < to) {
      const start = g.at(from);
      const midnight = from.startOf('day').plus({ days: 1 });
      const end = to < midnight ? g.at(to).minute || 1440 : 1440;
      out.push(band(g, start.day, start.minute, end, 'lead', "the lead's calling window"));
      from = midnight;
    }
  }
  return `<g id="lead-window">${out.join('')}</g>`;
}

function axesSvg(g: Grid): string {
  const out: string[] = [];
  for (let h = 0; h <= 24; h += 3) {
    const y = g.y(h * 60);
    out.push(`<line class="grid" x1="${BOX.left}" x2="${g.x(g.days)}" y1="${y}" y2="${y}"/>`);
    out.push(
      `<text x="${BOX.left - 6}" y="${y + 4}" text-anchor="end">${String(h).padStart(2, '0')}:00</text>`,
    );
  }
  const every = Math.ceil(28 / g.dayW);
  for (let day = 0; day < g.days; day += every) {
    const date = g.day0.plus({ days: day });
    const x = g.x(day) + g.dayW / 2;
    out.push(
      `<line class="grid" x1="${g.x(day)}" x2="${g.x(day)}" y1="${BOX.top}" y2="${g.y(1440)}"/>`,
    );
    out.push(
      `<text class="day" x="${x}" y="${BOX.top - 22}" text-anchor="middle">${date.toFormat('ccc')}</text>`,
    );
    out.push(
      `<text class="day" x="${x}" y="${BOX.top - 8}" text-anchor="middle">${date.toFormat(day === 0 || date.day === 1 ? 'd LLL' : 'd')}</text>`,
    );
  }
  return `<g id="axes">${out.join('')}</g>`;
}

function stepsSvg(g: Grid, steps: readonly PreviewStep[], leadZone: string): string {
  const placed = steps.map((s) => ({ s, ...g.at(DateTime.fromISO(s.dueAt)) }));
  return placed
    .map(({ s, day, minute }) => {
      // Steps due at the same moment sit side by side instead of on top of each other.
      const twins = placed.filter((p) => p.day === day && Math.abs(p.minute - minute) < 60);
      const k = twins.findIndex((p) => p.s === s);
      const x = g.x(day) + g.dayW / 2 + (k - (twins.length - 1) / 2) * 15;
      const y = g.y(minute);
      const due = DateTime.fromISO(s.dueAt);
      const title = `${s.title}: due ${due.setZone(g.zone).toFormat('ccc d LLL HH:mm ZZZZ')} (team), ${due.setZone(leadZone).toFormat('ccc d LLL HH:mm ZZZZ')} (lead)${s.reason ? `. ${s.reason}` : ''}`;
      return (
        `<g class="step ${s.channel}" id="step-${s.step}" data-step="${s.step}" data-channel="${s.channel}" data-due-at="${esc(s.dueAt)}">` +
        `<title>${esc(title)}</title>${SHAPES[s.channel](x, y)}<text x="${x}" y="${y - 8}" text-anchor="middle">${s.step}</text></g>`
      );
    })
    .join('');
}

function arrivalSvg(g: Grid, arrival: string): string {
  const { day, minute } = g.at(DateTime.fromISO(arrival));
  const [x, y] = [g.x(day), g.y(minute)];
  return `<g id="arrival"><title>the lead arrives</title><path d="M${x - 8} ${y - 5}L${x} ${y}L${x - 8} ${y + 5}Z"/><line x1="${x}" x2="${x + g.dayW}" y1="${y}" y2="${y}"/></g>`;
}

/** The lead's timeline: days across, hours of the team's day down, steps as markers. */
export function previewChartSvg(
  arrival: string,
  leadZone: string,
  steps: readonly PreviewStep[],
  schedule: Schedule,
  window: LegalStretches,
): string {
  const g = gridOf(schedule.teamZone, arrival, steps);
  const width = g.x(g.days) + BOX.right;
  const height = g.y(1440) + BOX.bottom;
  return (
    `<svg id="timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="The lead's cadence: days across, hours of the team's day down">` +
    teamHoursSvg(g, schedule) +
    leadWindowSvg(g, window) +
    axesSvg(g) +
    arrivalSvg(g, arrival) +
    stepsSvg(g, steps, leadZone) +
    '</svg>'
  );
}
