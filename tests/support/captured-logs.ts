import type pino from 'pino';
import { createLogger } from '../../src/http/logger.ts';

export interface CapturedLogs {
  readonly logger: pino.Logger;
  /** The lines written since the last call. */
  take(): string[];
}

/** A logger built as production builds it (redaction, masking, `bindings`), writing to memory. */
export function captureLogs(level = 'trace', bindings: Record<string, string> = {}): CapturedLogs {
  let lines: string[] = [];
  const logger = createLogger(level, bindings, { write: (line: string) => void lines.push(line) });
  return {
    logger,
    take() {
      const taken = lines;
      lines = [];
      return taken;
    },
  };
}
