import { describe, expect, it } from 'vitest';
import { dayNumberAt, localDay } from '../../src/engine/local-days.ts';
import { closingLine, holidayLine } from '../../src/engine/task-text.ts';

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
});
