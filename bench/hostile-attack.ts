/**
 * The attackers of the hostile-intake bench: `clients` loops each sending every hostile
 * request in turn (each starting at its own place in the list), and slowloris sockets that
 * drip their headers until the service cuts them off or the attack ends, when all is closed.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Hostile } from './hostile-inputs.ts';

export interface Attack {
  /** Answers per hostile request: HTTP status, or `reset` when the socket was closed first. */
  readonly statuses: Map<string, Map<string, number>>;
  serverErrors: number;
  slowOpened: number;
  slowCut: number;
}

interface Options {
  readonly clients: number;
  readonly slowSockets: number;
  /** `performance.now()` at which everything stops. */
  readonly until: number;
}

async function send(port: number, input: Hostile, attack: Attack): Promise<void> {
  let status: string;
  try {
    const response = await fetch(`http://127.0.0.1:${port}${input.path}`, {
      method: input.method,
      headers: input.headers ?? {},
      ...(input.body ? { body: input.body } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    status = String(response.status);
    if (response.status >= 500) attack.serverErrors++;
  } catch {
    // The service may answer (401, 413) and close before a 1 MiB body is all sent.
    status = 'reset';
  }
  const counts = attack.statuses.get(input.name) ?? new Map<string, number>();
  counts.set(status, (counts.get(status) ?? 0) + 1);
  attack.statuses.set(input.name, counts);
}

/** One slowloris socket after another until `until`: each drips a header byte every 500 ms. */
async function slowloris(port: number, until: number, attack: Attack): Promise<void> {
  while (performance.now() < until) {
    attack.slowOpened++;
    const socket: Socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    // Read what the service answers (its 408), else the socket never sees the service close it.
    socket.resume();
    socket.write('POST /webhooks/salesforce HTTP/1.1\r\nHost: x\r\n');
    const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
    let cut = false;
    while (!cut && performance.now() < until) {
      socket.write('X');
      cut = await Promise.race([closed, sleep(500, false)]);
    }
    if (cut) attack.slowCut++;
    socket.destroy();
  }
}

export async function attack(port: number, inputs: readonly Hostile[], options: Options) {
  const result: Attack = { statuses: new Map(), serverErrors: 0, slowOpened: 0, slowCut: 0 };
  const client = async (offset: number) => {
    for (let i = offset; performance.now() < options.until; i++) {
      await send(port, inputs[i % inputs.length] as Hostile, result);
    }
  };
  const slow = Array.from({ length: options.clients * options.slowSockets }, () =>
    slowloris(port, options.until, result),
  );
  await Promise.all([...Array.from({ length: options.clients }, (_, c) => client(c)), ...slow]);
  return result;
}
