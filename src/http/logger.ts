import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { maskText } from './mask.ts';

const SECRET_KEYS = [
  'authorization',
  'email',
  'phone',
  'mobilephone',
  'accessToken',
  'clientSecret',
  'token',
  'password',
];

/** Paths never written to the logs: credentials and a lead's contact details. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
];

/**
 * Masks emails, phone numbers and URL tokens in strings (a CRM's error message may quote the
 * record it refused; a logged URL may carry a token), and caps each string (an attacker chooses
 * the URL and much of what an error quotes), inside plain objects and arrays. It runs on every
 * log line in linear time (see `mask.ts`), and an object or array is copied only when something
 * in it changed.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const clean = scrub(item, depth + 1);
      if (clean !== item) {
        copy ??= [...value];
        copy[i] = clean;
      }
    });
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    // Errors go through the `err` serializer, which scrubs what it keeps of them.
    const clean = item instanceof Error ? item : scrub(item, depth + 1);
    if (clean !== item) {
      copy ??= { ...value };
      copy[key] = clean;
    }
  }
  return copy ?? value;
}

/** The options every logger of the service uses. */
function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // pino's serialized error has its own prototype: copied, so that it is scrubbed too.
    serializers: { err: (error: Error) => scrub({ ...pino.stdSerializers.err(error) }) },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
  };
}

/** JSON lines on stdout; `bindings` go on every line (the connector's name, say). */
export function createLogger(
  level: string,
  bindings: Record<string, string> = {},
  destination?: DestinationStream,
): Logger {
  const logger = destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
  return Object.keys(bindings).length > 0 ? logger.child(bindings) : logger;
}
