import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scrub } from '../src/http/logger.ts';
import {
  capped,
  LOGGED_TEXT_MAX,
  maskEmails,
  maskText,
  redactQueryTokens,
} from '../src/http/mask.ts';

/** The pattern the scanner replaced: right on short strings, quadratic on long ones. */
const OLD_EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;

const MIB = 1024 * 1024;

/** Inputs that made the old pattern backtrack (or that stress the phone pattern's bounds). */
const worstCases: Record<string, (n: number) => string> = {
  'one long local part and domain, no dot': (n) => `${'a'.repeat(n / 2)}@${'b'.repeat(n / 2)}`,
  'many @ with no dot': (n) => 'a@'.repeat(n / 2),
  'dots with one letter after them': (n) => `a@${'b.c'.repeat(n / 3)}`,
  'digits and separators, no phone': (n) => `+1${' 1'.repeat(n / 2)}`,
  'a URL with token-like parameters': (n) => `/x?${'token=&'.repeat(n / 7)}`,
  'a long parameter name with no =': (n) => `/x?${'atoken'.repeat(n / 6)}`,
  'percent-encoded parameter names': (n) => `/x?${'%41%'.repeat(n / 4)}=1`,
  'question marks and ampersands, no =': (n) => `token${'?&'.repeat(n / 2)}`,
};

/**
 * Milliseconds `maskText` takes to go through 2 MiB of input made of copies of `text` (each
 * masked whole), the best of a few runs: noise on a shared machine only ever adds time.
 */
function timePer2MiB(text: string, runs = 5): number {
  const copies = Math.max(1, Math.round((2 * MIB) / text.length));
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    for (let c = 0; c < copies; c++) maskText(text);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('masking', () => {
  it('finds exactly the emails the old pattern found, on any short text', () => {
    const unit = fc.constantFrom('a', 'b', 'Z', '1', '@', '.', ' ', ',', ':', '"', '-', 'é', '\n');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        expect(maskEmails(text)).toBe(text.replace(OLD_EMAIL, '[email]'));
      }),
      { numRuns: 5000, seed: 0x6d61 },
    );
    expect(maskEmails('mail jane.doe@example.co.uk, or a@b.c1.de')).toBe(
      'mail [email], or [email]',
    );
  });

  // The old pattern needed minutes for the first case at 1 MiB: this test times out on it.
  it('masks a 1 MiB worst-case string in well under a second', { timeout: 20_000 }, () => {
    for (const [name, make] of Object.entries(worstCases)) {
      const text = make(MIB);
      const start = performance.now();
      const masked = maskText(text);
      expect(performance.now() - start, name).toBeLessThan(1000);
      expect(masked.length, name).toBeLessThanOrEqual(LOGGED_TEXT_MAX + 40);
    }
  });

  // Linear: the same amount of input costs about the same whether it comes in 32 KiB or in 1 MiB
  // strings (cache effects and noise aside); with quadratic time the long strings would cost
  // 32 times as much.
  it('takes time that grows linearly with the input', { timeout: 30_000 }, () => {
    for (const [name, make] of Object.entries(worstCases)) {
      const small = make(32 * 1024);
      const large = make(MIB);
      timePer2MiB(large, 1); // warm-up: compiled code, not the interpreter, is compared
      let ratio = Number.POSITIVE_INFINITY;
      for (let attempt = 0; attempt < 3 && ratio >= 8; attempt++) {
        ratio = Math.min(ratio, timePer2MiB(large) / Math.max(timePer2MiB(small), 0.1));
      }
      expect(ratio, name).toBeLessThan(8);
    }
  });

  it('redacts tokens in logged URLs, whatever their case and position', () => {
    expect(redactQueryTokens('/webhooks/salesforce?token=s3cr3t-value&x=1')).toBe(
      '/webhooks/salesforce?token=[redacted]&x=1',
    );
    expect(redactQueryTokens('/a?b=1&TOKEN=s3cr3t#f')).toBe('/a?b=1&TOKEN=[redacted]#f');
    expect(redactQueryTokens('/a?token[]=s3cr3t&access_token=s3cr3t')).toBe(
      '/a?token[]=[redacted]&access_token=[redacted]',
    );
    expect(redactQueryTokens('/a?x=1&b=token')).toBe('/a?x=1&b=token');
  });

  it('redacts a token whose parameter name is percent-encoded: the query parser decodes it', () => {
    // Fastify reads `tok%65n` as `token`, so this URL authenticates an outbound message.
    expect(redactQueryTokens('/webhooks/salesforce?tok%65n=s3cr3t-value')).toBe(
      '/webhooks/salesforce?tok%65n=[redacted]',
    );
    expect(redactQueryTokens('/a?%74%6F%6B%65%6E[]=s3cr3t&x=%zz')).toBe(
      '/a?%74%6F%6B%65%6E[]=[redacted]&x=%zz',
    );
    expect(redactQueryTokens('/a?%zz=1&b=%41')).toBe('/a?%zz=1&b=%41');
  });

  it('caps every logged string, masking before it cuts', () => {
    const long = `${'x '.repeat(LOGGED_TEXT_MAX / 2 - 2)}jane@example.com ${'y'.repeat(MIB)}`;
    const logged = scrub({ reason: long }) as { reason: string };
    expect(logged.reason.length).toBeLessThanOrEqual(LOGGED_TEXT_MAX + 40);
    expect(logged.reason).not.toContain('jane');
    expect(logged.reason).toMatch(/more chars]$/);
    expect(capped('short', 10)).toBe('short');
  });
});
