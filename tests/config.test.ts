import { describe, expect, it, vi } from 'vitest';
import { researchCadence } from '../src/cadence/research-cadence.ts';
import { loadConfig } from '../src/config/config.ts';
import { holidayCalendar, parseHolidays } from '../src/config/holidays.ts';
import { formatWeeklyHours, parseWeeklyHours } from '../src/config/hours.ts';

const noFiles = (path: string): string => {
  throw Object.assign(new Error(`no ${path}`), { code: 'ENOENT' });
};

function failure(env: Record<string, string>, readFile = noFiles): string {
  const result = loadConfig(env, readFile);
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.message;
}

describe('configuration', () => {
  it('defaults to the sandbox, port 3000, UTC, Mon-Fri 09:00-17:00 and the research cadence', () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { config } = result;
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      crm: 'sandbox',
      timezone: 'UTC',
      holidays: { regions: [], dates: [] },
      leadHolidays: true,
      dryRun: false,
    });
    // B2B default: weekdays, 08:00 (federal start) to 20:00 (the strictest state end).
    expect(config.leadContactHours).toEqual([
      [],
      ...Array.from({ length: 5 }, () => [{ start: 480, end: 1200 }]),
      [],
      [],
    ]);
    expect([...config.callingRules.keys()]).toEqual([
      'US',
      'PR',
      'VI',
      'GU',
      'AS',
      'MP',
      'CA',
      'AU',
      'CO',
      'ES',
      'FR',
      'ZA',
      'PT',
      'US-FL',
      'US-OK',
      'US-MD',
      'US-LA',
      'US-AL',
      'US-MA',
      'US-MS',
      'US-RI',
      'US-TX',
      'US-UT',
      'US-WA',
      'US-PA',
      'US-CT',
      'US-NM',
      'US-KY',
      'US-WY',
      'US-OR',
      'US-MI',
      'US-MN',
      'US-SD',
      'US-?',
    ]);
    expect(config.cadence).toBe(researchCadence);
    expect(config.businessHours[1]).toEqual([{ start: 540, end: 1020 }]);
    expect(config.businessHours[6]).toEqual([]);
  });

  it('names every bad variable in one message', () => {
    const message = failure({
      PORT: 'eighty',
      CRM: 'pipedrive',
      TIMEZONE: 'Mars/Olympus',
      BUSINESS_HOURS: 'weekdays 9-5',
      LEAD_CONTACT_HOURS: '20:00-08:00',
      HOLIDAYS: 'XX,2026-02-30',
      DRY_RUN: 'maybe',
      CADENCE: '{"id":"x","steps":[{"channel":"fax","day":1}]}',
      LOG_LEVEL: 'loud',
    });
    for (const name of [
      'PORT',
      'CRM',
      'TIMEZONE',
      'BUSINESS_HOURS',
      'LEAD_CONTACT_HOURS',
      'HOLIDAYS',
      'DRY_RUN',
      'CADENCE',
      'LOG_LEVEL',
    ]) {
      expect(message).toContain(`- ${name}:`);
    }
    expect(message).toContain('overnight');
  });

  it('refuses a HOST with a scheme or a port, which listen would fail on as a DNS error', () => {
    for (const host of ['localhost:3000', 'http://127.0.0.1', '0.0.0.0 ']) {
      expect(failure({ HOST: host }), host).toContain('- HOST: must be an address or host name');
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '::1',
      '127.0.0.1',
      'localhost',
      'followup.internal',
      'my_service',
      'localhost.',
    ]) {
      expect(loadConfig({ HOST: host }).ok, host).toBe(true);
    }
  });

  it('refuses EST and MST as the team zone: clocks without summer time, unlike CST and PST', () => {
    expect(failure({ TIMEZONE: 'EST' })).toContain(
      '- TIMEZONE: "EST" keeps standard time all year, with no daylight saving time: name the ' +
        'place instead, America/New_York for US Eastern time, America/Panama for a clock without it',
    );
    expect(failure({ TIMEZONE: 'mst' })).toContain('America/Denver for US Mountain time');
    for (const zone of ['America/Panama', 'America/Phoenix', 'US/Eastern', 'EST5EDT']) {
      expect(loadConfig({ TIMEZONE: zone }).ok, zone).toBe(true);
    }
  });

  it('keeps the team zone under its canonical name, which task lines name the place by', () => {
    // A lowercase zone made Tokyo leads' calls read "19:00 in new york".
    for (const zone of ['america/new_york', 'US/Eastern', 'EST5EDT', 'America/New_York']) {
      const result = loadConfig({ TIMEZONE: zone });
      expect(result.ok && result.config.timezone, zone).toBe('America/New_York');
    }
    // The database's names, not ICU's older ones (Calcutta, Kiev).
    for (const zone of ['Asia/Kolkata', 'Europe/Kyiv', 'asia/ho_chi_minh']) {
      const result = loadConfig({ TIMEZONE: zone });
      expect(result.ok && result.config.timezone, zone).toBe(
        zone === 'asia/ho_chi_minh' ? 'Asia/Ho_Chi_Minh' : zone,
      );
    }
  });

  it('reads yes/no variables in any case, as YAML and .env files spell them', () => {
    const result = loadConfig({ DRY_RUN: 'TRUE', LEAD_HOLIDAYS: 'False' });
    expect(result.ok && [result.config.dryRun, result.config.leadHolidays]).toEqual([true, false]);
    expect(failure({ DRY_RUN: 'maybe' })).toContain('- DRY_RUN: must be true or false');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', TIMEZONE: '' }).ok).toBe(true);
  });

  it('reads a cadence from CADENCE_FILE and explains a missing file', () => {
    const file = JSON.stringify({
      id: 'short',
      steps: [{ channel: 'call', day: 1, priority: 'high' }],
    });
    const result = loadConfig({ CADENCE_FILE: '/etc/cadence.json' }, () => file);
    expect(result.ok && result.config.cadence).toEqual({
      id: 'short',
      steps: [{ channel: 'call', day: 1, priority: 'high', guidance: '' }],
    });
    expect(failure({ CADENCE_FILE: '/nope.json' })).toMatch(
      /CADENCE_FILE: cannot read "\/nope.json" \(ENOENT\)/,
    );
  });

  it('refuses CADENCE and CADENCE_FILE together', () => {
    const cadence = '{"id":"a","steps":[{"channel":"call","day":1}]}';
    expect(failure({ CADENCE: cadence, CADENCE_FILE: '/c.json' }, () => cadence)).toMatch(
      /set one of them/,
    );
  });

  it('explains a cadence that is not JSON, has both timings, or days out of order', () => {
    expect(failure({ CADENCE: '{oops' })).toMatch(/CADENCE: not valid JSON/);
    const both = { id: 'a', steps: [{ channel: 'call', day: 1, afterMinutes: 30 }] };
    expect(failure({ CADENCE: JSON.stringify(both) })).toMatch(
      /exactly one of "day" and "afterMinutes"/,
    );
    const backwards = {
      id: 'a',
      steps: [
        { channel: 'call', day: 5 },
        { channel: 'call', day: 2 },
      ],
    };
    expect(failure({ CADENCE: JSON.stringify(backwards) })).toMatch(/increasing day order/);
    const range = { id: 'a', steps: [{ channel: 'call', afterMinutes: { min: 60, max: 30 } }] };
    expect(failure({ CADENCE: JSON.stringify(range) })).toMatch(/max must not be less than min/);
  });

  it('warns of contact hours the calling rules leave no time in, naming the places', () => {
    const warnings = (env: Record<string, string>) => {
      const result = loadConfig(env);
      if (!result.ok) throw new Error(result.message);
      return result.warnings;
    };
    // Evenings after 18:00: Rhode Island ends at 18:00, and so does every-state-at-once.
    expect(warnings({ LEAD_CONTACT_HOURS: 'Mon-Fri 18:00-21:00' })).toEqual([
      'LEAD_CONTACT_HOURS: the calling rules leave no time in it for leads in US-RI (Mon-Fri ' +
        '09:00-18:00; Sat 10:00-17:00), US, state unknown (Mon-Fri 10:00-18:00; Sat 10:00-17:00): ' +
        'no call or text is planned for them (their cadence stops with no_calling_window once ' +
        'its emails are done); widen the hours to call them',
    ]);
    // After the federal 21:00 nothing is left anywhere in the US; Sunday alone leaves Pennsylvania none.
    expect(warnings({ LEAD_CONTACT_HOURS: 'Mon-Fri 21:00-23:00' })[0]).toMatch(
      /leads in US \(Mon-Sun/,
    );
    expect(warnings({ LEAD_CONTACT_HOURS: 'Sun 12:00-17:00' })[0]).toContain('US-PA (Mon-Sat');
    // The same hours without calling rules, and the default, warn of nothing.
    expect(warnings({ LEAD_CONTACT_HOURS: 'Mon-Fri 21:00-23:00', CALLING_RULES: 'none' })).toEqual(
      [],
    );
    expect(warnings({ LEAD_CONTACT_HOURS: 'Mon-Fri 08:00-20:00; Sat 10:00-14:00' })).toEqual([]);
  });

  it('accepts the JSON that GET /cadence returns as a cadence', () => {
    const result = loadConfig({ CADENCE: JSON.stringify(researchCadence) });
    expect(result.ok && result.config.cadence).toEqual(researchCadence);
  });
});

describe('business hours', () => {
  it('are written back as they are read, consecutive days with the same hours grouped', () => {
    for (const text of [
      'Mon-Fri 09:00-17:00',
      'Mon-Thu 08:30-12:00,13:00-17:30; Fri 09:00-15:00',
      'Mon 09:00-17:00; Wed-Thu 09:00-17:00; Sun 00:00-24:00',
    ]) {
      const parsed = parseWeeklyHours(text);
      expect(parsed.ok && formatWeeklyHours(parsed.value)).toBe(text);
    }
    expect(formatWeeklyHours([])).toBe('none');
  });

  it('reads several groups and ranges, with 24:00 as an end', () => {
    const parsed = parseWeeklyHours(
      'Mon-Thu 08:30-12:00,13:00-17:30; Fri 09:00-15:00; Sat,Sun 10:00-24:00',
    );
    expect(parsed.ok && parsed.value[4]).toEqual([
      { start: 510, end: 720 },
      { start: 780, end: 1050 },
    ]);
    expect(parsed.ok && parsed.value[5]).toEqual([{ start: 540, end: 900 }]);
    expect(parsed.ok && parsed.value[7]).toEqual([{ start: 600, end: 1440 }]);
  });

  it('refuses overlapping ranges and unknown days', () => {
    expect(parseWeeklyHours('Mon 09:00-12:00; Mon 11:00-13:00').ok).toBe(false);
    expect(parseWeeklyHours('Funday 09:00-12:00').ok).toBe(false);
    expect(parseWeeklyHours('Fri-Mon 09:00-12:00').ok).toBe(false);
  });

  it('names the day and ranges that overlap', () => {
    expect(failure({ BUSINESS_HOURS: 'Mon-Fri 09:00-17:00; Wed 16:00-18:00' })).toContain(
      '- BUSINESS_HOURS: 09:00-17:00 and 16:00-18:00 overlap on Wed',
    );
  });

  it('reads day names spelt out or shortened, not words that merely start like one', () => {
    const monToFri = parseWeeklyHours('Mon-Fri 09:00-17:00');
    for (const text of ['Monday-Friday 09:00-17:00', 'mon-fri 09:00-17:00']) {
      expect(parseWeeklyHours(text), text).toEqual(monToFri);
    }
    expect(parseWeeklyHours('Tues,Weds,Thurs 09:00-17:00')).toEqual(
      parseWeeklyHours('Tue-Thu 09:00-17:00'),
    );
    for (const text of ['Monkey-Fried 09:00-17:00', 'Sunshine 10:00-12:00', 'Mo-Fr 09:00-17:00']) {
      expect(parseWeeklyHours(text).ok, text).toBe(false);
    }
  });
});

describe('holidays', () => {
  it('knows public holidays of a country and region, and explicit dates', () => {
    const parsed = parseHolidays('DE-BY, 2026-12-24');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const isHoliday = holidayCalendar(parsed.value);
    expect(isHoliday('2026-01-06')).toBe(true); // Epiphany, Bavaria only
    expect(isHoliday('2026-12-24')).toBe(true);
    expect(isHoliday('2026-12-23')).toBe(false);
  });

  it('does not count observances such as Halloween as days off', () => {
    const parsed = parseHolidays('US');
    const isHoliday = parsed.ok ? holidayCalendar(parsed.value) : () => true;
    expect(isHoliday('2026-11-26')).toBe(true); // Thanksgiving
    expect(isHoliday('2026-10-31')).toBe(false);
  });

  it('takes date-holidays day rules for days a region lacks (Good Friday, Election Day)', () => {
    const parsed = parseHolidays('US-PA, easter -2, tuesday after 1st monday in November');
    if (!parsed.ok) throw new Error(parsed.error);
    const isHoliday = holidayCalendar(parsed.value);
    for (const day of ['2026-04-03', '2026-11-03', '2027-03-26', '2027-11-02', '2026-06-14']) {
      expect(isHoliday(day), day).toBe(true);
    }
    expect(isHoliday('2026-04-02')).toBe(false);
    expect(holidayCalendar({ regions: [], dates: [], rules: ['easter -2'] })('2030-04-19')).toBe(
      true,
    );
  });

  it('refuses a day rule date-holidays cannot read, and one too long to be a rule', () => {
    // date-holidays reports a rule it cannot parse on the console as well as refusing it.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(parseHolidays('US, 2nd someday in Smarch')).toEqual({
      ok: false,
      error: expect.stringMatching(/not a date-holidays day rule/),
    });
    quiet.mockRestore();
    expect(parseHolidays(`easter ${'-'.repeat(80)}`).ok).toBe(false);
  });

  it('counts every day of a holiday that lasts several (Chuseok, the Russian New Year holidays)', () => {
    const days = (spec: string, dates: string[]) => {
      const parsed = parseHolidays(spec);
      if (!parsed.ok) throw new Error(parsed.error);
      const isHoliday = holidayCalendar(parsed.value);
      return dates.filter((date) => isHoliday(date));
    };
    // Chuseok 2027: 14-16 September, one holiday of three days in date-holidays.
    expect(days('KR', ['2027-09-13', '2027-09-14', '2027-09-15', '2027-09-16'])).toEqual([
      '2027-09-14',
      '2027-09-15',
      '2027-09-16',
    ]);
    // Russia's New Year holidays: 2-6 January, one holiday of five days.
    expect(days('RU', ['2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06'])).toHaveLength(4);
    // Romania's New Year: 1 and 2 January.
    expect(days('RO', ['2027-01-02', '2027-01-03'])).toEqual(['2027-01-02']);
    // A rule's own duration, even when it runs into the next year.
    expect(days('12-31 P3D', ['2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03'])).toEqual([
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    // A holiday from 14:00 (Christmas Eve in Germany) keeps its one date.
    expect(days('DE', ['2026-12-24', '2026-12-27'])).toEqual(['2026-12-24']);
  });

  it('refuses a month 13 with a message, not a crash', () => {
    expect(parseHolidays('2026-13-01')).toEqual({
      ok: false,
      error: '"2026-13-01" is not a calendar date',
    });
    expect(failure({ HOLIDAYS: 'US,2026-00-10' })).toContain(
      '- HOLIDAYS: "2026-00-10" is not a calendar date',
    );
  });

  it('refuses dates separated by spaces instead of commas (date-holidays would keep the first)', () => {
    for (const text of ['2026-12-24 2026-12-31', '12-24 12-31', '12-24 and 12-31']) {
      expect(parseHolidays(`US, ${text}`)).toEqual({
        ok: false,
        error: `"${text}" holds more than one date: separate dates with commas`,
      });
    }
    // A rule bounded by a date is one rule.
    for (const rule of ['12-24 since 2020-01-01', '12-24 prior to 2030', 'monday before 12-25']) {
      expect(parseHolidays(rule).ok, rule).toBe(true);
    }
  });

  it('refuses unknown countries and regions', () => {
    expect(parseHolidays('ZZ')).toEqual({
      ok: false,
      error: expect.stringMatching(/country code/),
    });
    expect(parseHolidays('DE-XX')).toEqual({
      ok: false,
      error: expect.stringMatching(/no region "XX"/),
    });
  });
});

describe('HubSpot configuration', () => {
  const hubspot = {
    CRM: 'hubspot',
    HUBSPOT_ACCESS_TOKEN: 'pat-na1-0000',
    HUBSPOT_CLIENT_SECRET: 'secret-1',
    PUBLIC_URL: 'https://followup.example.com/',
  };

  it('needs the token, the client secret and the public URL when CRM=hubspot, named together', () => {
    const message = failure({ CRM: 'hubspot' });
    expect(message).toContain('HUBSPOT_ACCESS_TOKEN: required when CRM=hubspot');
    expect(message).toContain('HUBSPOT_CLIENT_SECRET: required when CRM=hubspot');
    expect(message).toContain('PUBLIC_URL: required when CRM=hubspot');
  });

  it("names a bad service variable and the missing HubSpot ones together (the connector's own check)", () => {
    const message = failure({ CRM: 'hubspot', TIMEZONE: 'bad' });
    for (const name of [
      'TIMEZONE',
      'HUBSPOT_ACCESS_TOKEN',
      'HUBSPOT_CLIENT_SECRET',
      'PUBLIC_URL',
    ]) {
      expect(message).toContain(`- ${name}:`);
    }
  });

  it('does not ask for HubSpot variables when another CRM is chosen', () => {
    expect(loadConfig({ CRM: 'sandbox' }).ok).toBe(true);
  });

  it('fills in the API base URL and the open lead statuses, and trims the public URL', () => {
    const result = loadConfig(hubspot);
    if (!result.ok) throw new Error(result.message);
    expect(result.config.publicUrl).toBe('https://followup.example.com');
    expect(result.config.hubspot).toEqual({
      accessToken: 'pat-na1-0000',
      clientSecret: 'secret-1',
      apiBaseUrl: 'https://api.hubapi.com',
      openLeadStatuses: ['NEW', 'OPEN', 'ATTEMPTED_TO_CONTACT'],
      contactedLeadStatuses: ['CONNECTED', 'IN_PROGRESS', 'OPEN_DEAL'],
      legacySignatures: false,
    });
    expect(loadConfig({ ...hubspot, HUBSPOT_LEGACY_SIGNATURES: 'true' })).toMatchObject({
      config: { hubspot: { legacySignatures: true } },
    });
  });

  it('takes an owner for unowned contacts and a custom list of open statuses', () => {
    const result = loadConfig({
      ...hubspot,
      HUBSPOT_DEFAULT_OWNER_ID: '1234567',
      HUBSPOT_OPEN_LEAD_STATUSES: ' NEW, OPEN ,,CALL_BACK',
      HUBSPOT_CONTACTED_LEAD_STATUSES: 'CONNECTED',
      HUBSPOT_API_BASE_URL: 'http://127.0.0.1:4010/',
      HUBSPOT_DO_NOT_CALL_PROPERTY: 'do_not_call',
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.config.hubspot).toMatchObject({
      defaultOwnerId: '1234567',
      doNotCallProperty: 'do_not_call',
      openLeadStatuses: ['NEW', 'OPEN', 'CALL_BACK'],
      contactedLeadStatuses: ['CONNECTED'],
      apiBaseUrl: 'http://127.0.0.1:4010',
    });
  });

  it('refuses malformed values with the variable named', () => {
    const message = failure({
      ...hubspot,
      PUBLIC_URL: 'followup.example.com',
      HUBSPOT_API_BASE_URL: 'ftp://api.hubapi.com',
      HUBSPOT_DEFAULT_OWNER_ID: 'jane',
      HUBSPOT_ACCESS_TOKEN: 'pat with spaces',
      HUBSPOT_OPEN_LEAD_STATUSES: 'NEW,in progress',
      HUBSPOT_DO_NOT_CALL_PROPERTY: 'Do not call',
    });
    for (const name of [
      'PUBLIC_URL',
      'HUBSPOT_API_BASE_URL',
      'HUBSPOT_DEFAULT_OWNER_ID',
      'HUBSPOT_ACCESS_TOKEN',
      'HUBSPOT_OPEN_LEAD_STATUSES',
      'HUBSPOT_DO_NOT_CALL_PROPERTY',
    ]) {
      expect(message).toContain(`- ${name}:`);
    }
    expect(message).not.toContain('pat with spaces');
  });
});

describe('reliability configuration', () => {
  const ok = (env: Record<string, string>) => {
    const result = loadConfig(env);
    if (!result.ok) throw new Error(result.message);
    return result.config;
  };
  const hubspot = {
    CRM: 'hubspot',
    HUBSPOT_ACCESS_TOKEN: 'pat-na1-token',
    HUBSPOT_CLIENT_SECRET: 'secret',
    PUBLIC_URL: 'https://followup.example.com',
  };

  it("defaults the deadline under HubSpot's 5 s, and the rate limit to the CRM's published one", () => {
    expect(ok({})).toMatchObject({
      webhookDeadlineMs: 4000,
      crmRateLimit: 0,
      crmMaxConcurrency: 0,
    });
    expect(ok(hubspot)).toMatchObject({ crmRateLimit: 100, crmMaxConcurrency: 10 });
    expect(ok({ ...hubspot, CRM_RATE_LIMIT: '190', CRM_MAX_CONCURRENCY: '4' })).toMatchObject({
      crmRateLimit: 190,
      crmMaxConcurrency: 4,
    });
    expect(ok({}).adminToken).toBeUndefined();
  });

  it('refuses out-of-range limits and a short admin token, naming each variable', () => {
    const message = failure({
      WEBHOOK_DEADLINE_MS: '100',
      CRM_RATE_LIMIT: '-5',
      CRM_MAX_CONCURRENCY: 'many',
      ADMIN_TOKEN: 'short',
    });
    expect(message).toContain('WEBHOOK_DEADLINE_MS: must be between 500 and 60000');
    expect(message).toContain('CRM_RATE_LIMIT: must be a whole number');
    expect(message).toContain('CRM_MAX_CONCURRENCY: must be a whole number');
    expect(message).toContain('ADMIN_TOKEN: must be at least 24 characters');
  });
});
