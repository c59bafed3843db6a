import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

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

// A CRM's error message may quote the record it refused: emails and phone numbers anywhere in
// a logged string are masked, not only under the keys above.
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;
const PHONE = /\+\d[\d\s().-]{5,18}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/g;

/**
 * Masks emails and phone numbers in strings, inside plain objects and arrays. It runs on every
 * log line, so a string is searched only when it could hold one, and an object or array is
 * copied only when something in it changed.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    const masked = value.includes('@') ? value.replace(EMAIL, '[email]') : value;
    return /\d/.test(masked) ? masked.replace(PHONE, '[phone]') : masked;
  }
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
