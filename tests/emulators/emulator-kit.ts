/** The HTTP plumbing both CRM emulators share: bodies, JSON answers, queued faults, listening. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' }),
    ...headers,
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

export interface FaultOptions {
  readonly times?: number;
  /** A substring of the request path the fault applies to; any path when unset. */
  readonly path?: string;
}

/** Faults the next matching requests meet, in the order they were queued. */
export function createFaultQueue<F>() {
  const queue: { fault: F; times: number; path?: string }[] = [];
  return {
    push(fault: F, { times = 1, path }: FaultOptions = {}): void {
      queue.push({ fault, times, ...(path === undefined ? {} : { path }) });
    },
    take(path: string): F | undefined {
      const index = queue.findIndex((f) => f.path === undefined || path.includes(f.path));
      const entry = queue[index];
      if (!entry) return undefined;
      entry.times -= 1;
      if (entry.times <= 0) queue.splice(index, 1);
      return entry.fault;
    },
    clear(): void {
      queue.length = 0;
    },
  };
}

/** Listens on a free local port; returns the base URL and a close function. */
export async function listenLocally(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
