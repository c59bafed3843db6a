import pino, { type Logger } from 'pino';

/** Paths never written to the logs: credentials and a lead's contact details. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  '*.email',
  '*.phone',
  '*.accessToken',
  '*.clientSecret',
  '*.token',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
