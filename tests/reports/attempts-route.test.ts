import { describe, expect, it } from 'vitest';
import { to18 } from '../../connectors/salesforce/salesforce-id.ts';
import type { AttemptsReport } from '../../src/reports/attempts-report.ts';
import { CALL_DISPOSITIONS } from '../emulators/hubspot-emulator.ts';
import { CHROME, keepScreenshot, launchBrowser, skipWithoutBrowser } from '../support/browser.ts';
import { closedAfterEach } from '../support/closed-after-each.ts';
import { type HubSpotTestApp, startHubSpotApp } from '../support/hubspot-app.ts';
import { startSalesforceApp } from '../support/salesforce-app.ts';
import { buildTestApp } from '../support/test-app.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const NOW = '2026-11-24T15:00:00.000Z';
const SINCE = '2026-10-01T00:00:00.000Z';
const UNTIL = '2026-11-01T00:00:00.000Z';
const MINUTE = 60_000;
const DAY = 86_400_000;
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
/** What a browser sends once its login prompt has the token as the password. */
const basic = `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString('base64')}`;

/**
 * The research's curve on 100 reached leads: 48 at the first attempt, 70% by the second, 93%
 * by the sixth, then one lead per attempt up to the 13th (each adding 1 point, under 2).
 */
const REACHED_AT = [48, 22, 8, 6, 5, 4, 1, 1, 1, 1, 1, 1, 1];
/** First-attempt delays, one per lead in turn: the speed-to-lead buckets. */
const FIRST_CALL_AFTER = [0.5 * MINUTE, 3 * MINUTE, 30 * MINUTE, 120 * MINUTE];
const NEVER_REACHED = 20;

const track = closedAfterEach();

/** One contact created in the window, with `calls` logged calls, the last one `connected`. */
function contactWithCalls(hubspot: HubSpotTestApp, index: number, calls: number, reached: boolean) {
  const createdAt = Date.parse(SINCE) + index * 4 * 60 * MINUTE;
  const id = hubspot.emulator.createContact(
    { firstname: 'Lead', lastname: String(index), hubspot_owner_id: '101' },
    new Date(createdAt).toISOString(),
  );
  const first = createdAt + (FIRST_CALL_AFTER[index % FIRST_CALL_AFTER.length] ?? 0);
  for (let n = 0; n < calls; n++) {
    const last = n === calls - 1;
    hubspot.emulator.logCall(id, {
      hs_timestamp: new Date(first + n * DAY).toISOString(),
      hs_call_disposition:
        reached && last ? CALL_DISPOSITIONS.connected : CALL_DISPOSITIONS.noAnswer,
    });
  }
  return id;
}

async function researchFixture(env: Record<string, string> = {}) {
  const hubspot = await startHubSpotApp(NOW, { ADMIN_TOKEN, ...env });
  let index = 0;
  REACHED_AT.forEach((leads, at) => {
    for (let i = 0; i < leads; i++) contactWithCalls(hubspot, index++, at + 1, true);
  });
  for (let i = 0; i < NEVER_REACHED; i++) contactWithCalls(hubspot, index++, 6, false);
  // Outside the window: created the day before, reached at once.
  hubspot.emulator.createContact(
    { firstname: 'Too', lastname: 'Early' },
    new Date(Date.parse(SINCE) - DAY).toISOString(),
  );
  return hubspot;
}

const reportUrl = (base: string, query = `since=${SINCE}&until=${UNTIL}`) =>
  `${base}/reports/attempts?${query}`;

describe('GET /reports/attempts', () => {
  it('reproduces the research curve from HubSpot logged calls, and finds the number 6', async () => {
    const t = track(await researchFixture());
    const response = await fetch(reportUrl(t.serviceUrl), { headers: bearer });
    expect(response.status).toBe(200);
    const report = (await response.json()) as AttemptsReport;
    expect(report).toMatchObject({
      window: { since: SINCE, until: UNTIL },
      marginal: 0.02,
      leads: 120,
      attempted: 120,
      reached: 100,
      reachRate: 0.8333,
    });
    const all = report.curves.all;
    const shares = all.points.map((p) => p.shareOfReached);
    expect(shares).toEqual([
      0.48, 0.7, 0.78, 0.84, 0.89, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1,
    ]);
    expect(all).toMatchObject({ reached: 100, yourNumber: 6, cadenceCap: 11 });
    expect(report.curves.calls).toMatchObject({ reached: 100, yourNumber: 6, cadenceCap: 6 });
    expect(report.curves.emails).toMatchObject({ reached: 0, yourNumber: null, cadenceCap: 5 });
    // 30 leads each first called after 30 s, 3 min, 30 min and 2 h.
    expect(report.speedToLead).toMatchObject({
      attempted: 120,
      medianSeconds: 990,
      p90Seconds: 7200,
      within1m: 0.25,
      within5m: 0.5,
      within1h: 0.75,
    });
  });

  it('counts a HubSpot contact whose lead status says contact was made as reached', async () => {
    const t = track(await startHubSpotApp(NOW, { ADMIN_TOKEN }));
    const createdAt = new Date(Date.parse(SINCE) + DAY).toISOString();
    const contact = (status: string) =>
      t.emulator.createContact({ lastname: status, hs_lead_status: status }, createdAt);
    contact('CONNECTED');
    contact('ATTEMPTED_TO_CONTACT');
    const called = contact('IN_PROGRESS') ?? '';
    t.emulator.logCall(called, {
      hs_timestamp: new Date(Date.parse(createdAt) + MINUTE).toISOString(),
      hs_call_disposition: CALL_DISPOSITIONS.leftVoicemail,
    });
    const response = await fetch(reportUrl(t.serviceUrl), { headers: bearer });
    const report = (await response.json()) as AttemptsReport;
    expect(report).toMatchObject({
      leads: 3,
      attempted: 1,
      reached: 2,
      reachedWithoutAttempt: 1,
      reachedByStatus: 2,
    });
    expect(report.curves.calls.points.map((p) => p.reached)).toEqual([1]);
  });

  it('moves the number with ?marginal=', async () => {
    const t = track(await researchFixture());
    const report = (await (
      await fetch(reportUrl(t.serviceUrl, `since=${SINCE}&until=${UNTIL}&marginal=0.05`), {
        headers: bearer,
      })
    ).json()) as AttemptsReport;
    // Attempt 6 adds 4 points, attempt 5 adds 5: with 5 points as the threshold, 5 is the number.
    expect(report.curves.all.yourNumber).toBe(5);
  });

  it('answers the same figures as CSV for spreadsheets', async () => {
    const t = track(await researchFixture());
    const response = await fetch(
      reportUrl(t.serviceUrl, `since=${SINCE}&until=${UNTIL}&format=csv`),
      {
        headers: bearer,
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="attempts-2026-10-01-2026-11-01.csv"',
    );
    const rows = (await response.text()).split('\r\n').map((line) => line.split(','));
    const header = rows[0] ?? [];
    const share = header.indexOf('all_share_of_reached');
    expect(share).toBeGreaterThan(0);
    expect(rows.slice(1, 7).map((row) => row[share])).toEqual([
      '0.48',
      '0.7',
      '0.78',
      '0.84',
      '0.89',
      '0.93',
    ]);
  });

  it('answers 422 window_too_large when the CRM cannot return the window in time', async () => {
    const t = track(await researchFixture({ REPORT_TIMEOUT_MS: '1000' }));
    t.emulator.failNext({ kind: 'slow', ms: 1500 }, { path: '/search' });
    const response = await fetch(reportUrl(t.serviceUrl), { headers: bearer });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('window_too_large');
    expect(body.error.message).toMatch(/shorter window/);
  });

  it('reads Salesforce leads created in the window, a converted lead counting as reached', async () => {
    const salesforce = track(await startSalesforceApp(NOW, { ADMIN_TOKEN }));
    const owner = to18('0055g00000RepOn');
    const lead = () =>
      salesforce.emulator.createLead({ LastName: 'Doe', Company: 'Acme', OwnerId: owner });
    const call = (id: string, disposition: string) =>
      salesforce.emulator.logActivity(id, {
        Subject: 'Call',
        TaskSubtype: 'Call',
        Status: 'Completed',
        CallDisposition: disposition,
      });
    const reachedFirst = lead();
    salesforce.advance(1);
    call(reachedFirst, 'Connected');
    const reachedSecond = lead();
    salesforce.advance(10);
    call(reachedSecond, 'No answer');
    salesforce.advance(60);
    call(reachedSecond, 'Connected');
    const converted = lead();
    salesforce.advance(2);
    call(converted, 'No answer');
    salesforce.emulator.convertLead(converted);
    lead(); // never called
    const since = new Date(Date.parse(NOW) - MINUTE).toISOString();
    const until = new Date(salesforce.now() + MINUTE).toISOString();
    const response = await fetch(
      reportUrl(salesforce.serviceUrl, `since=${since}&until=${until}`),
      {
        headers: bearer,
      },
    );
    expect(response.status).toBe(200);
    const report = (await response.json()) as AttemptsReport;
    expect(report).toMatchObject({ leads: 4, attempted: 3, reached: 3, reachedByStatus: 1 });
    expect(report.curves.calls.points.map((p: { reached: number }) => p.reached)).toEqual([2, 1]);
  });

  it('works on the sandbox CRM', async () => {
    const sandbox = await buildTestApp({ ADMIN_TOKEN }, NOW);
    track(sandbox.app);
    const create = async () =>
      (
        await sandbox.app.inject({
          method: 'POST',
          url: '/sandbox/leads',
          payload: { name: 'Jane' },
        })
      ).json();
    const first = await create();
    const second = await create();
    await create();
    const callOf = (lead: { tasks: { id: string; channel: string }[] }) =>
      lead.tasks.find((task) => task.channel === 'call')?.id;
    sandbox.setNow('2026-11-24T15:01:00.000Z');
    await sandbox.app.inject({
      method: 'POST',
      url: `/sandbox/tasks/${callOf(first)}/complete`,
      payload: { outcome: 'connected' },
    });
    await sandbox.app.inject({
      method: 'POST',
      url: `/sandbox/tasks/${callOf(second)}/complete`,
      payload: { outcome: 'no_answer' },
    });
    await sandbox.app.inject({
      method: 'PATCH',
      url: `/sandbox/leads/${second.id}`,
      payload: { status: 'qualified' },
    });
    const response = await sandbox.app.inject({
      method: 'GET',
      url: `/reports/attempts?since=2026-11-24T00:00:00Z&until=2026-11-25T00:00:00Z`,
      headers: bearer,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      leads: 3,
      attempted: 2,
      reached: 2,
      reachedByStatus: 1,
    });
    expect(response.json().speedToLead).toMatchObject({ medianSeconds: 60, within1m: 0.6667 });
  });
});

describe('GET /reports/attempts refuses', () => {
  it('a missing or wrong token with 401, and answers 404 when ADMIN_TOKEN is unset', async () => {
    const sandbox = await buildTestApp({ ADMIN_TOKEN }, NOW);
    track(sandbox.app);
    const get = (url: string, headers: Record<string, string> = {}) =>
      sandbox.app.inject({ method: 'GET', url, headers });
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789abcdef' },
    ];
    for (const headers of refused) {
      const response = await get('/reports/attempts', headers);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('invalid_token');
      expect(response.headers['www-authenticate']).toBeUndefined();
    }
    // The HTML view lets a browser ask for the token (any user name, the token as password).
    const page = await get('/reports/attempts.html');
    expect(page.statusCode).toBe(401);
    expect(page.headers['www-authenticate']).toBe(
      'Basic realm="lead-followup reports", charset="UTF-8"',
    );
    const signedIn = await get('/reports/attempts.html', { authorization: basic });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.headers['content-type']).toBe('text/html; charset=utf-8');
    // Signed in, the page must not be framed by another site (clickjacking).
    expect(signedIn.headers['x-frame-options']).toBe('DENY');
    expect(signedIn.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    // Basic is for the browser page only.
    expect((await get('/reports/attempts', { authorization: basic })).statusCode).toBe(401);

    const off = await buildTestApp({}, NOW);

    track(off.app);
    const response = await off.app.inject({
      method: 'GET',
      url: '/reports/attempts',
      headers: bearer,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('admin_disabled');
  });

  it('tells on the sandbox page that its speed to lead means nothing', async () => {
    const sandbox = await buildTestApp({ ADMIN_TOKEN }, NOW);
    track(sandbox.app);
    const page = await sandbox.app.inject({
      url: '/reports/attempts.html',
      headers: { authorization: basic },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/id="sandbox-note"[^>]*>Sandbox CRM: a task is completed the moment/);
  });

  it('bad dates and parameters with 400', async () => {
    const sandbox = await buildTestApp({ ADMIN_TOKEN }, NOW);
    track(sandbox.app);
    const cases: [string, string][] = [
      ['since=yesterday', 'validation_failed'],
      ['until=2026-13-01T00:00:00Z', 'validation_failed'],
      ['marginal=abc', 'validation_failed'],
      ['marginal=0', 'validation_failed'],
      ['format=xlsx', 'validation_failed'],
      ['days=3', 'validation_failed'],
      ['since=2026-11-20T00:00:00Z&until=2026-11-10T00:00:00Z', 'invalid_window'],
      ['since=2026-12-20T00:00:00Z&until=2026-12-21T00:00:00Z', 'invalid_window'],
      ['since=2025-01-01T00:00:00Z&until=2026-11-01T00:00:00Z', 'invalid_window'],
    ];
    for (const [query, code] of cases) {
      const response = await sandbox.app.inject({
        method: 'GET',
        url: `/reports/attempts?${query}`,
        headers: bearer,
      });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe(code);
    }
  });
});

describe.skipIf(skipWithoutBrowser)(
  `GET /reports/attempts.html in a real browser (${CHROME})`,
  () => {
    it('draws the cumulative curve, the number and the cadence cap', {
      timeout: 60_000,
    }, async () => {
      const t = track(await researchFixture());
      const browser = await launchBrowser();
      try {
        // The browser signs in with Basic, as after its login prompt.
        const context = await browser.newContext({
          httpCredentials: { username: 'ops', password: ADMIN_TOKEN },
        });
        const page = await context.newPage();
        const response = await page.goto(
          `${t.serviceUrl}/reports/attempts.html?since=${SINCE}&until=${UNTIL}`,
        );
        expect(response?.status()).toBe(200);
        const curve = page.locator('#curve-all');
        const points = (await curve.getAttribute('data-points')) ?? '';
        expect(points.split(' ').slice(0, 6)).toEqual([
          '1,0.48',
          '2,0.7',
          '3,0.78',
          '4,0.84',
          '5,0.89',
          '6,0.93',
        ]);
        // Really drawn: the polyline has an area on the page, rising from left to right.
        const box = await curve.boundingBox();
        expect(box?.width).toBeGreaterThan(100);
        expect(box?.height).toBeGreaterThan(50);
        const drawn = ((await curve.getAttribute('points')) ?? '').split(' ').map((xy) => {
          const [x = 0, y = 0] = xy.split(',').map(Number);
          return { x, y };
        });
        expect(drawn.length).toBe(13);
        expect(
          drawn.every(
            (p, i) => i === 0 || (p.x > (drawn[i - 1]?.x ?? 0) && p.y <= (drawn[i - 1]?.y ?? 0)),
          ),
        ).toBe(true);
        expect(await page.locator('#your-number').getAttribute('data-attempt')).toBe('6');
        expect(await page.locator('#cadence-cap').getAttribute('data-attempt')).toBe('11');
        expect(await page.locator('#your-number').isVisible()).toBe(true);
        expect(await page.locator('#your-number-calls').getAttribute('data-attempt')).toBe('6');
        await expect(page.locator('#window').textContent()).resolves.toBe(
          'Leads created from 1 Oct 2026 to 31 Oct 2026 (UTC).',
        );
        await keepScreenshot(page, 'attempts-report');
        // A phone: nothing wider than the screen, the chart shrinks to fit.
        await page.setViewportSize({ width: 390, height: 844 });
        const overflow = await page.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect(overflow).toBeLessThanOrEqual(0);
        const chart = await page.locator('#attempts-chart').boundingBox();
        expect(chart?.width).toBeLessThanOrEqual(390);
        await keepScreenshot(page, 'attempts-report-narrow');
      } finally {
        await browser.close();
      }
    });
  },
);
