import { describe, expect, it } from 'vitest';
import { dayNumberAt, localDay } from '../../src/engine/local-days.ts';
import { closingLine, holidayLine } from '../../src/engine/task-text.ts';
import { MAX_TITLE_NAME, taskTitle } from '../../src/engine/task-title.ts';

describe('task lines a rep reads', () => {
  const at = Date.parse('2027-04-16T00:00:00Z'); // 20:00 in New York

  it('tell a text message to be sent, and a call to be made, before the window closes', () => {
    expect(closingLine(at, 'America/New_York', 'America/Los_Angeles', 'sms')).toBe(
      "The lead's calling window closes at 20:00 in New York (17:00 in Los Angeles): text before then.",
    );
    expect(closingLine(at, 'America/New_York', 'America/New_York', 'call')).toMatch(
      /closes at 20:00 in New York: call before then\.$/,
    );
  });

  it('name the unknown-state rule in words, not by its code', () => {
    const zone = 'America/New_York';
    const day = localDay(zone, dayNumberAt(Date.parse('2026-02-17T17:00:00Z'), zone)); // Mardi Gras
    const line = holidayLine([{ day, code: 'ANY-STATE' }], 'US');
    expect(line).toContain("the calling rules of every US state (the lead's state is unknown)");
    expect(line).not.toContain('ANY-STATE');
  });

  it('show a lead’s name as one line: no line break, escape sequence or bidi control from the web form', () => {
    const who = 'Jane\r\nCall 1 of 1 — \u001b[31mDoe\u001b[0m\t(\u202Eemca\u202C)\u2028x';
    const title = taskTitle('call', { nth: 2, of: 6 }, who);
    expect(title).toBe('Call 2 of 6 — Jane Call 1 of 1 — [31mDoe [0m ( emca ) x');
    expect(title).not.toMatch(/[\p{Cc}\u2028\u202A-\u202E]/u);
  });

  it('cut a name longer than a rep reads at MAX_TITLE_NAME characters, never inside an emoji', () => {
    const title = taskTitle(
      'email',
      { nth: 1, of: 5 },
      `${'a'.repeat(MAX_TITLE_NAME - 2)}😀${'b'.repeat(70_000)}`,
    );
    expect(title).toBe(`Email 1 of 5 — ${'a'.repeat(MAX_TITLE_NAME - 2)}…`);
    expect(taskTitle('call', { nth: 1, of: 6 }, 'Jane Doe (Acme)')).toBe(
      'Call 1 of 6 — Jane Doe (Acme)',
    );
  });
});
