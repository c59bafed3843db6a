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

/** The captured lines logged at `warn`, parsed. */
export const warningsOf = (lines: readonly string[]) =>
  lines
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((line) => line.level === 40);

/** The message a test app's start-up stops with; a start that succeeds is closed and fails the test. */
export async function refusedStart(
  start: () => Promise<{ close(): Promise<unknown> }>,
): Promise<string> {
  let started: { close(): Promise<unknown> };
  try {
    started = await start();
  } catch (error) {
    return (error as Error).message;
  }
  await started.close();
  throw new Error('the service started');
}
