import { describe, expect, it } from 'vitest';
import { previewPageHtml } from '../src/cadence/preview-html.ts';
import { scheduleFrom } from '../src/config/schedule.ts';
import { CHROME, keepScreenshot, launchBrowser, skipWithoutBrowser } from './support/browser.ts';
import { closedAfterEach } from './support/closed-after-each.ts';
import { serveApp, testConfig } from './support/test-app.ts';

// Tuesday 2026-11-24, 16:00 in Berlin: the team's afternoon, New York's morning.
const NOW = Date.parse('2026-11-24T15:00:00.000Z');
const TEAM = { TIMEZONE: 'Europe/Berlin', HOLIDAYS: 'DE' };
const LEAD = { createdAt: '2026-11-24T10:00:00-05:00', phone: '+1 212 555 0100' };
const track = closedAfterEach();

async function served() {
  const { app, serviceUrl } = await serveApp(testConfig(TEAM), () => NOW);
  track(app);
  return { app, serviceUrl };
}

interface Step {
  step: number;
  channel: string;
  dueAt: string;
}

describe('GET /cadence/preview.html', () => {
  it('is one self-contained page without a token, its CSP allowing nothing external', async () => {
    const { app } = await served();
    const res = await app.inject({ url: `/cadence/preview.html?${new URLSearchParams(LEAD)}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    // No other site may frame it (default-src does not cover framing).
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
    expect(res.body).toContain('America/New_York');
    expect(res.body).toContain('Mon-Fri 09:00-17:00 in Europe/Berlin');
  });

  it('shows the form again with what is wrong, as a 400 page, for a date without an offset', async () => {
    const { app } = await served();
    const query = new URLSearchParams({ createdAt: '2026-11-24T10:00', timezone: 'Mars/Base' });
    const res = await app.inject({ url: `/cadence/preview.html?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="2026-11-24T10:00"');
    expect(res.body).toMatch(/with an offset or Z/);
    expect(res.body).toMatch(/IANA time zone/);
    expect(res.body).not.toContain('id="timeline"');
  });

  it("shows each step's reason once the preview gives one, escaped", () => {
    const config = testConfig(TEAM);
    const page = previewPageHtml({
      form: { createdAt: LEAD.createdAt, timezone: '', phone: LEAD.phone, country: '' },
      schedule: scheduleFrom(config),
      answer: {
        timezone: 'America/New_York',
        timezoneSource: 'phone',
        steps: [
          {
            step: 1,
            channel: 'call',
            title: 'Call 1 of 6',
            reminderAt: '2026-11-24T15:00:00.000Z',
            dueAt: '2026-11-24T15:00:00.000Z',
            reason: 'at once: <inside> both windows',
          },
        ],
      },
    });
    expect(page).toContain('<th>Why then</th>');
    expect(page).toContain('at once: &lt;inside&gt; both windows');
    expect(page).not.toContain('<inside>');
  });

  it('previews a lead arriving now when no arrival time is given', async () => {
    const { app } = await served();
    const res = await app.inject({ url: '/cadence/preview.html?phone=%2B1+212+555+0100' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="2026-11-24T16:00:00+01:00"');
  });
});

describe.skipIf(skipWithoutBrowser)(
  `the cadence preview page in a real browser (${CHROME})`,
  () => {
    it('draws a marker per step of the JSON preview, on its day and hour, with both zones', {
      timeout: 60_000,
    }, async () => {
      const { serviceUrl } = await served();
      const json = await fetch(`${serviceUrl}/cadence/preview`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(LEAD),
      });
      const steps = ((await json.json()) as { steps: Step[] }).steps;
      expect(steps).toHaveLength(11);
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const response = await page.goto(
          `${serviceUrl}/cadence/preview.html?${new URLSearchParams(LEAD)}`,
        );
        expect(response?.status()).toBe(200);
        const markers = [];
        for (const marker of await page.locator('#timeline g.step').all()) {
          const box = await marker.boundingBox();
          markers.push({
            step: Number(await marker.getAttribute('data-step')),
            channel: await marker.getAttribute('data-channel'),
            dueAt: await marker.getAttribute('data-due-at'),
            x: (box?.x ?? 0) + (box?.width ?? 0) / 2,
            y: (box?.y ?? 0) + (box?.height ?? 0) / 2,
            visible: (box?.width ?? 0) > 0 && (box?.height ?? 0) > 0,
          });
        }
        expect(markers.map(({ step, channel, dueAt }) => ({ step, channel, dueAt }))).toEqual(
          steps.map(({ step, channel, dueAt }) => ({ step, channel, dueAt })),
        );
        expect(markers.every((m) => m.visible)).toBe(true);
        // Later days lie further right; the same day, a later hour lies lower.
        const byTime = [...markers].sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''));
        for (let i = 1; i < byTime.length; i++) {
          const [a, b] = [byTime[i - 1], byTime[i]];
          const sameDay = a?.dueAt?.slice(0, 10) === b?.dueAt?.slice(0, 10);
          if (!sameDay) expect(b?.x).toBeGreaterThan(a?.x ?? 0);
          else if (a?.dueAt !== b?.dueAt) expect(b?.y).toBeGreaterThan(a?.y ?? 0);
        }
        // Both zones in the table: call 1 is due at 16:00 in Berlin, 10:00 in New York.
        const call1 = page.locator('#steps tr[data-step="1"]');
        await expect(call1.textContent()).resolves.toMatch(
          /Tue 24 Nov, 16:00 GMT\+1.*Tue 24 Nov, 10:00 EST/,
        );
        expect(await page.locator('#team-hours rect.team').count()).toBeGreaterThan(10);
        expect(await page.locator('#lead-window rect.lead').count()).toBeGreaterThan(10);
        // The form changes the lead: the page follows, with the new arrival.
        await page.fill('input[name="createdAt"]', '2026-11-28T12:00:00-05:00');
        await Promise.all([
          page.waitForURL(/createdAt=2026-11-28/),
          page.click('button[type="submit"]'),
        ]);
        const first = await page.locator('#step-1').getAttribute('data-due-at');
        expect(first).toBe('2026-11-30T13:00:00.000Z');
        await page.goto(`${serviceUrl}/cadence/preview.html?${new URLSearchParams(LEAD)}`);
        await keepScreenshot(page, 'cadence-preview');
        await page.setViewportSize({ width: 390, height: 844 });
        // A string, evaluated in the page: the tests are typed without the DOM.
        const overflow = await page.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect(overflow).toBeLessThanOrEqual(0);
        await keepScreenshot(page, 'cadence-preview-narrow');
      } finally {
        await browser.close();
      }
    });

    it('shades the window the calling rules leave, not the contact hours (Rhode Island: 09:00-18:00)', {
      timeout: 60_000,
    }, async () => {
      const { serviceUrl } = await served();
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const lead = { createdAt: '2026-11-24T10:00:00-05:00', phone: '+1 401 555 0100' };
        await page.goto(`${serviceUrl}/cadence/preview.html?${new URLSearchParams(lead)}`);
        const tallest = async (selector: string) => {
          const rects = await page.locator(selector).all();
          const heights = await Promise.all(rects.map((r) => r.getAttribute('height')));
          return Math.max(...heights.map(Number));
        };
        // The team's day is 8 hours (09:00-17:00 Berlin); Rhode Island allows 9 (09:00-18:00,
        // 15:00-24:00 Berlin), where the contact hours alone (08:00-20:00) would shade 10 before
        // Berlin's midnight.
        const ratio =
          (await tallest('#lead-window rect.lead')) / (await tallest('#team-hours rect.team'));
        expect(ratio).toBeCloseTo(9 / 8, 2);
        await expect(page.locator('.legend').textContent()).resolves.toContain(
          "lead's calling window",
        );
      } finally {
        await browser.close();
      }
    });
  },
);
