/**
 * The wire side of the webhook fuzz tests: a raw HTTP client (duplicate headers, Latin-1 header
 * bytes, chunked bodies, unnormalised paths), logs captured as production redacts them with the
 * checks they must pass, and the shapes a refusal must have (JSON error or SOAP fault).
 */
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { expect } from 'vitest';

/** Per-run budget of one request: a hang fails the property instead of the suite's timeout. */
const REQUEST_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// Raw HTTP

export type RawHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  /** An array value sends the header once per element, as a sender that duplicates it does. */
  readonly headers?: RawHeaders;
  readonly body?: string | Buffer;
  /** Sends the body with Transfer-Encoding: chunked instead of Content-Length. */
  readonly chunked?: boolean;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

export function createClient(baseUrl: string) {
  const { hostname, port } = new URL(baseUrl);
  // One connection per request: a refused request may leave its connection unusable.
  const agent = new Agent({ keepAlive: false });
  function send(req: RawRequest): Promise<RawResponse> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      if (value !== undefined) headers[name] = typeof value === 'string' ? value : [...value];
    }
    // Node sends a GET/DELETE/OPTIONS body without framing unless told its length.
    if (req.chunked) headers['transfer-encoding'] = 'chunked';
    else if (req.body !== undefined && headers['content-length'] === undefined)
      headers['content-length'] = String(Buffer.byteLength(req.body));
    return new Promise<RawResponse>((resolve, reject) => {
      let answered = false;
      const outgoing = request(
        { agent, hostname, port, method: req.method ?? 'POST', path: req.path, headers },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
        outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
      );
      outgoing.on('error', (error) => {
        // A server may answer (413) and close before reading a huge body: the answer counts.
        if (!answered) reject(error);
      });
      if (req.body === undefined) outgoing.end();
      else if (req.chunked) {
        const body = Buffer.from(req.body);
        for (let at = 0; at < body.length; at += 64 * 1024)
          outgoing.write(body.subarray(at, at + 64 * 1024));
        outgoing.end();
      } else outgoing.end(req.body);
    });
  }
  return { send, close: () => agent.destroy() };
}

// ---------------------------------------------------------------------------------------------
// Logs, captured as production redacts them

/** What is wrong with log lines: not JSON, at error level or above, or carrying a secret. */
export function logProblems(lines: readonly string[], secrets: readonly string[]): string[] {
  const problems: string[] = [];
  for (const line of lines) {
    let entry: { level?: number; msg?: string };
    try {
      entry = JSON.parse(line) as { level?: number; msg?: string };
    } catch {
      problems.push(`not a JSON log line: ${line.slice(0, 200)}`);
      continue;
    }
    if ((entry.level ?? 0) >= 50) problems.push(`error-level log: ${line.slice(0, 500)}`);
    for (const secret of secrets) {
      if (secret.length >= 8 && line.includes(secret))
        problems.push(`secret ${secret.slice(0, 4)}… logged: ${line.slice(0, 300)}`);
    }
  }
  return problems;
}

/**
 * A refused request is logged with its code: a 4xx answer whose stable code can be read has a
 * log line carrying `"code":"<that code>"` (404s of unknown routes log the route instead).
 */
export function refusalLogProblems(res: RawResponse, lines: readonly string[]): string[] {
  if (res.status < 400 || res.status >= 500 || res.status === 404) return [];
  const code =
    /"error":\{"code":"([a-z_]+)"/.exec(res.text)?.[1] ??
    /<faultstring>([a-z_]+):/.exec(res.text)?.[1];
  if (code === undefined) return [];
  return lines.some((line) => line.includes(`"code":"${code}"`))
    ? []
    : [`the ${res.status} ${code} answer was not logged with its code`];
}

// ---------------------------------------------------------------------------------------------
// Response shapes

const STABLE_CODE = /^[a-z_]+$/;

/** A JSON error body `{error:{code,message}}` with a stable snake_case code; returns the code. */
export function jsonErrorCode(res: RawResponse): string {
  const context = `${res.status} ${res.headers['content-type']} ${res.text.slice(0, 300)}`;
  expect(res.headers['content-type'], context).toMatch(/^application\/json\b/);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new Error(`error body is not JSON: ${context}`);
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(typeof error === 'object' && error !== null, context).toBe(true);
  expect(typeof error?.code, context).toBe('string');
  expect(typeof error?.message, context).toBe('string');
  expect(String(error?.code), context).toMatch(STABLE_CODE);
  return String(error?.code);
}

/** A SOAP 1.1 Client fault whose faultstring starts with a stable code; returns the code. */
export function soapFaultCode(res: RawResponse): string {
  const context = `${res.status} ${res.headers['content-type']} ${res.text.slice(0, 300)}`;
  expect(res.headers['content-type'], context).toMatch(/^text\/xml\b/);
  expect(res.text, context).toContain('<soapenv:Fault>');
  expect(res.text, context).toContain('<faultcode>soapenv:Client</faultcode>');
  const faultstring = /<faultstring>([\s\S]*?)<\/faultstring>/.exec(res.text)?.[1];
  expect(faultstring, context).toBeDefined();
  const code = /^([^:]*):/.exec(faultstring ?? '')?.[1] ?? '';
  expect(code, context).toMatch(STABLE_CODE);
  return code;
}

/** The stable code of a 4xx, read as SOAP fault or JSON according to the answer's type. */
export function errorCodeOf(res: RawResponse): string {
  return /^text\/xml\b/.test(res.headers['content-type'] ?? '')
    ? soapFaultCode(res)
    : jsonErrorCode(res);
}

/** Bad input gets a 4xx, never a 5xx (nor a connection error, which rejects `send`). */
export function expect4xx(res: RawResponse, what: string): string {
  const context = `${what}: ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, context).toBeGreaterThanOrEqual(400);
  expect(res.status, context).toBeLessThan(500);
  return errorCodeOf(res);
}

/** Reads (and checks the shape of) a refusal's stable code: `jsonErrorCode` or `soapFaultCode`. */
export type CodeReader = (res: RawResponse) => string;

/** A refusal with one of `statuses`, whose code `codeOf` reads; returns the code. */
export function expectRefusal(
  res: RawResponse,
  statuses: readonly number[],
  codeOf: CodeReader,
  what: string,
): string {
  expect(res.status, `${what}: ${res.status} ${res.text.slice(0, 300)}`).toBeOneOf([...statuses]);
  return codeOf(res);
}
