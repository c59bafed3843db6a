import { DateTime } from 'luxon';
import { formatWeeklyHours } from '../config/hours.ts';
import { weeklyHoursOf } from '../engine/lead-window.ts';
import { CHANNELS, type Schedule } from '../engine/types.ts';
import type { ErrorIssue } from '../http/errors.ts';
import { esc, pageHead } from '../http/html.ts';
import {
  CHANNEL_SHAPE,
  type LegalStretches,
  type PreviewStep,
  previewChartSvg,
} from './preview-chart.ts';

/** The JSON preview's answer, as much as the page shows; other fields are passed over. */
export interface PreviewAnswer {
  readonly timezone: string;
  readonly timezoneSource: string;
  readonly steps: readonly PreviewStep[];
}

export interface PreviewPage {
  /** What the form shows: the query as given, or the defaults it was filled with. */
  readonly form: { createdAt: string; timezone: string; phone: string; country: string };
  readonly schedule: Schedule;
  readonly answer?: PreviewAnswer | undefined;
  /** The lead's legal calling stretches over a span, to shade on the chart. */
  readonly window?: LegalStretches | undefined;
  readonly issues?: readonly ErrorIssue[] | undefined;
}

const SOURCES: Record<string, string> = {
  lead: 'given for the lead',
  phone: 'from its phone number',
  country: 'from its country',
  team: "the team's: nothing about the lead says otherwise",
};

const when = (iso: string, zone: string) =>
  DateTime.fromISO(iso).setZone(zone).toFormat('ccc d LLL, HH:mm ZZZZ');

function formHtml(form: PreviewPage['form'], issues: readonly ErrorIssue[]): string {
  const field = (name: keyof PreviewPage['form'], label: string, hint: string) => {
    const issue = issues.find((i) => i.path === name);
    return (
      `<label>${label}<input name="${name}" value="${esc(form[name])}" placeholder="${esc(hint)}"` +
      `${issue ? ' aria-invalid="true"' : ''}>${issue ? `<span class="issue">${esc(issue.message)}</span>` : ''}</label>`
    );
  };
  return (
    '<form id="lead" method="get" action="preview.html">' +
    field('createdAt', 'Arrives', '2026-11-24T10:00:00-05:00') +
    field('timezone', 'Zone', 'America/New_York') +
    field('phone', 'Phone', '+1 212 555 0100') +
    field('country', 'Country', 'US') +
    '<button type="submit">Show</button></form>'
  );
}

function stepsTable(answer: PreviewAnswer, teamZone: string): string {
  // The reason column once the preview gives reasons; an empty column says nothing.
  const reasons = answer.steps.some((s) => s.reason);
  const rows = answer.steps.map(
    (s) =>
      `<tr data-step="${s.step}"><th scope="row">${s.step}</th><td>${CHANNEL_SHAPE(s.channel)} ${esc(s.title)}</td>` +
      `<td>${esc(when(s.dueAt, teamZone))}</td><td>${esc(when(s.dueAt, answer.timezone))}</td>` +
      `<td>${esc(when(s.reminderAt, teamZone))}</td>${reasons ? `<td class="reason">${esc(s.reason ?? '')}</td>` : ''}</tr>`,
  );
  return (
    '<table id="steps"><thead><tr><th>Step</th><th>Task</th><th>Due, team time</th>' +
    `<th>Due, lead's time</th><th>Reminder, team time</th>${reasons ? '<th>Why then</th>' : ''}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function legendHtml(): string {
  const keys = CHANNELS.map((c) => `<span>${CHANNEL_SHAPE(c)} ${c}</span>`);
  return (
    `<p class="legend"><span><i class="team"></i> team's hours</span><span><i class="lead"></i> lead's calling window (its hours, zones, holidays and calling rules)</span>` +
    `<span><i class="team"></i><i class="lead over"></i> both: when steps may fall due</span>${keys.join('')}</p>`
  );
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;padding:0 1rem;color:#222}
form{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:1rem 0}label{display:flex;flex-direction:column;font-size:13px}
input{font:inherit;padding:.2rem .4rem;min-width:12rem}input[aria-invalid]{border-color:#b00020}.issue{color:#b00020;max-width:24rem}
button{font:inherit;padding:.25rem 1rem}
#timeline{width:100%;min-width:680px;height:auto;display:block}svg text{font-size:11px;fill:#333}.day{font-size:10px}
.grid{stroke:#e4e4e4}.team{fill:#1f4e79;fill-opacity:.16}.lead{fill:#e0a100;fill-opacity:.22}.holiday{fill:#999;fill-opacity:.15}
#arrival{fill:#b00020;stroke:#b00020}.step{stroke:#fff;stroke-width:1}.step text{stroke:none;font-weight:600}
.call{fill:#1f4e79}.email{fill:#b85c00}.sms{fill:#2e7d32}.social{fill:#6a1b9a}.task{fill:none;stroke:#333;stroke-width:2}
.key{width:14px;height:14px;vertical-align:-2px}.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:13px}
.legend i{display:inline-block;width:1.2em;height:.9em;vertical-align:-1px}.legend i.team{background:rgba(31,78,121,.16)}
.legend i.lead{background:rgba(224,161,0,.22)}.legend i.over{margin-left:-1.2em}
table{border-collapse:collapse;margin:1rem 0;font-size:14px}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;white-space:nowrap}td.reason{white-space:normal;min-width:16rem}
.scroll{overflow-x:auto}figure{margin:1rem 0}`;

/**
 * The cadence preview as a page: the form, the timeline chart, the steps as a table. Built from
 * the JSON preview's answer, so both always show the same steps. Marker data for tests:
 * `#step-N[data-step][data-channel][data-due-at]`.
 */
export function previewPageHtml(page: PreviewPage): string {
  const { form, schedule, answer } = page;
  const issues = page.issues ?? [];
  const team = `${formatWeeklyHours(schedule.businessHours)} in ${schedule.teamZone}`;
  const body = answer
    ? `<p id="zones">The lead's zone: <b>${esc(answer.timezone)}</b> (${esc(SOURCES[answer.timezoneSource] ?? answer.timezoneSource)}). ` +
      `Team's hours: ${esc(team)}. The lead is contacted ${formatWeeklyHours(weeklyHoursOf(schedule.contactHours))} in its zone. Days and hours below are the team's.</p>` +
      `<figure><div class="scroll">${previewChartSvg(form.createdAt, answer.timezone, answer.steps, schedule, page.window ?? (() => []))}</div><figcaption>${legendHtml()}</figcaption></figure>` +
      `<div class="scroll">${stepsTable(answer, schedule.teamZone)}</div>`
    : '<p id="invalid">Correct the fields above to see the timeline.</p>';
  return `${pageHead('Cadence preview', STYLE)}
<body><main><h1>When each follow-up falls due</h1>
<p>A lead arriving at this moment, never reached, each task done when it falls due: the same timeline <code>POST /cadence/preview</code> answers.</p>
${formHtml(form, issues)}
${body}
</main></body></html>
`;
}
