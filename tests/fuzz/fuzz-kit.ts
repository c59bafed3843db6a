/**
 * The harness of the webhook fuzz tests: the real app started against a CRM emulator with its
 * logs captured, the checks every request must pass, and the properties every webhook route
 * shares (odd paths, methods, request targets, query strings, headers and huge bodies; the final
 * health and log audits), parameterised by how each endpoint builds its requests.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedLogs, captureLogs } from '../support/captured-logs.ts';
import { serveApp, testConfig } from '../support/test-app.ts';
import {
  type classifyJson,
  oddExtraHeaders,
  oddMethods,
  oddPaths,
  oddQuery,
  rawByteTargets,
} from './fuzz-arbitraries.ts';
import {
  type CodeReader,
  createClient,
  expect4xx,
  expectRefusal,
  jsonErrorCode,
  logProblems,
  type RawHeaders,
  type RawRequest,
  type RawResponse,
  refusalLogProblems,
} from './fuzz-wire.ts';

/** Tuesday 2026-11-24, 10:00 in New York: the fixed clock of the app and the emulators. */
export const NOW = Date.parse('2026-11-24T15:00:00.000Z');
const MIB = 1024 * 1024;
/** Per-property budget: a few hundred runs against a real server. */
const PROPERTY_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// The fuzz target: the real app on a CRM emulator, and what every request must keep true

/** A call the CRM emulator recorded. */
export interface CrmCall {
  readonly method: string;
  readonly path: string;
}

export interface CrmEmulator {
  readonly requests: readonly CrmCall[];
  close(): Promise<void>;
}

export interface FuzzSetup<E extends CrmEmulator> {
  /** The webhook route under test. */
  readonly route: string;
  /** Starts the emulator on `clock`; returns it, the app's env for it, and the secrets in play. */
  start(clock: () => number): Promise<{
    emulator: E;
    env: Record<string, string>;
    secrets: readonly string[];
  }>;
  /** Which emulator calls write to the CRM: no request may cause one. */
  isWrite(call: CrmCall): boolean;
}

/** A request, with what it carries that must not be logged either (a signature, a token). */
export interface FuzzRequest extends RawRequest {
  readonly secrets?: readonly string[];
}

/** The route under test on the running app, for the properties to send requests to. */
interface Route {
  readonly route: string;
  /** The CRM emulator (once the suite has started). */
  readonly emulator: CrmEmulator;
  /**
   * Sends one request and checks what holds for every request: not a 5xx, no write recorded by
   * the emulator during it, and no secret (its own included), unparsable line or error-level
   * line in the logs. A refusal logged without its code is noted for the final audit.
   */
  run(req: FuzzRequest): Promise<RawResponse>;
}

/** A property: `check` holds for `numRuns` inputs drawn from `inputs` with `seed`. */
export interface Fuzz<T> {
  readonly inputs: fc.Arbitrary<T>;
  readonly seed: number;
  readonly numRuns: number;
  /** One run; it may note in `seen` which outcome it reached, for `reaches`. */
  check(input: T, seen: Set<string>): Promise<void>;
  /** Every outcome the runs must reach between them: proof the generators are not too narrow. */
  readonly reaches?: readonly string[];
  /**
   * 'untouched': nothing sent may reach the CRM, not even a read (refused at the door);
   * 'called': some runs must reach it (real deliveries are among the inputs).
   */
  readonly crm?: 'untouched' | 'called';
}

/** A request a property sends, as the endpoint builds it for one of its variants. */
export interface Probe {
  readonly headers: RawHeaders;
  readonly body: string | Buffer;
  /** What to say of it in a failure message, beyond its method and path. */
  readonly label: string;
  /** A genuine delivery: a 2xx is a fine answer too, not only a 4xx. */
  readonly mayPass?: boolean;
  /** Where it goes when not to the route itself (the route with a token in its query, say). */
  readonly path?: string;
}

/** A request refused in a known way: with `status` and `code`, which `codeOf` reads. */
export interface Refused extends Probe {
  readonly status: number;
  readonly code: string;
  readonly codeOf: CodeReader;
}

/**
 * The route under test, and the tests an endpoint's file registers on it (each `it…` registers
 * one). The properties every webhook route shares have their seed and run count here; their
 * `variants` are the endpoint's kinds of request (signed or not, XML or JSON…), drawn along with
 * the odd part, and `probe` builds the request for a variant.
 */
export interface FuzzTarget<E extends CrmEmulator> extends Route {
  readonly emulator: E;
  /** Sends `req` again: the same request gets the same status and code as `first`. */
  expectSameAnswer(
    req: FuzzRequest,
    first: { status: number; code: string },
    codeOf: CodeReader,
    what: string,
  ): Promise<void>;
  /**
   * A JSON body that is no valid message: 400 with invalid_encoding or invalid_json as
   * `classifyJson` said (`kind`), else validation_failed, and the same again; returns the code.
   */
  expectJsonRefusal(
    req: FuzzRequest,
    res: RawResponse,
    kind: ReturnType<typeof classifyJson>['kind'],
    what: string,
  ): Promise<string>;
  /** A property test (see `Fuzz`), with the checks of `run` on every request it sends. */
  itFuzzes<T>(title: string, fuzz: Fuzz<T>): void;
  /** Any answer but a 4xx with a stable code fails (a 2xx too, unless the probe may pass). */
  itAnswers4xx<T>(title: string, fuzz: Answers4xx<T>): void;
  /** Query strings with broken escapes, prototype keys, arrays and odd separators. */
  itAnswers4xxToOddQueries<V>(variants: fc.Arbitrary<V>, probe: ProbeAt<V>): void;
  /** Odd spellings of the route (escapes, dots, case, separators) under any method. */
  itAnswers4xxToOddPaths<V>(variants: fc.Arbitrary<V>, probe: ProbeAt<V>): void;
  /** Raw bytes no URL may hold unescaped, in the route's path or query. */
  itAnswers4xxToRawBytes<V>(variants: fc.Arbitrary<V>, probe: ProbeAt<V>): void;
  /** Headers a sender or a proxy may add change nothing: the probe is refused as without them. */
  itIgnoresOddHeaders<V>(title: string, variants: fc.Arbitrary<V>, probe: (v: V) => Refused): void;
  /**
   * Bodies of 1 to 3 MiB, sized or chunked, are refused with 413 body_too_large; `variants`
   * draws the `fill` the body repeats along with the endpoint's kind of request.
   */
  itRefusesHugeBodies<V extends { readonly fill: string }>(
    title: string,
    variants: fc.Arbitrary<V>,
    probe: (variant: V, body: Buffer) => Omit<Probe, 'body'> & { readonly codeOf: CodeReader },
  ): void;
}

/** `itAnswers4xx`'s property: `probe` builds the request (by default a POST to the route). */
type Answers4xx<T> = Omit<Fuzz<T>, 'check'> & {
  probe(input: T): Probe & { readonly path?: string; readonly method?: string };
};
/** Builds the request for a variant, sent to `path` (which a signature may have to cover). */
type ProbeAt<V> = (path: string, variant: V) => Probe;

/**
 * The app as the server starts it, on the connector the config selects, with its logs captured
 * with production's redaction: the logs are under test here.
 */
async function startApp(env: Record<string, string>, clock: () => number, logs: CapturedLogs) {
  const config = testConfig({
    TIMEZONE: 'America/New_York',
    // Hundreds of deliveries in a few seconds: no client-side rate limit, so load shedding
    // (429 overloaded, 503 deadline_exceeded) cannot stand in for the answer to bad input.
    CRM_RATE_LIMIT: '0',
    ...env,
  });
  const { app, serviceUrl } = await serveApp(config, clock, logs.logger);
  return { url: serviceUrl, close: () => app.close() };
}

async function startTarget<E extends CrmEmulator>(setup: FuzzSetup<E>) {
  const clock = () => NOW;
  const { emulator, env, secrets } = await setup.start(clock);
  const logs = captureLogs();
  const app = await startApp(env, clock, logs);
  const client = createClient(app.url);
  const leaks: string[] = [];
  /** Refusals answered without a log line carrying their code, with an example request. */
  const unlogged = new Map<string, string>();
  let logLines = 0;

  async function run(req: FuzzRequest) {
    const before = emulator.requests.length;
    const res = await client.send(req);
    // Taken first, so that a failing run leaves nothing behind for the next (shrinking) run.
    const lines = logs.take();
    logLines += lines.length;
    const problems = logProblems(lines, [...secrets, ...(req.secrets ?? [])]);
    // Checked once for all runs (last test), so that a logging gap hides no answer's defect.
    for (const gap of refusalLogProblems(res, lines))
      if (!unlogged.has(gap))
        unlogged.set(
          gap,
          `${req.method ?? 'POST'} ${req.path} ${JSON.stringify(req.headers ?? {})}`,
        );
    leaks.push(...problems.filter((p) => p.startsWith('secret')));
    const writes = emulator.requests.slice(before).filter(setup.isWrite);
    expect(res.status, `never a 5xx: ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
    expect(writes, 'the emulator recorded a write').toEqual([]);
    expect(problems).toEqual([]);
    return res;
  }

  return {
    emulator,
    client,
    run,
    unlogged,
    /** The secrets logged by any request, the last ones included, and how many lines there were. */
    audit() {
      leaks.push(...logProblems(logs.take(), secrets).filter((p) => p.startsWith('secret')));
      return { leaks, logLines };
    },
    async close() {
      client.close();
      await app.close();
      await emulator.close();
    },
  };
}

/**
 * A describe block fuzzing one webhook route: starts the emulator and the app before the tests
 * `properties` registers and stops them after; then, once every property has run, checks that
 * the app is still up, that the CRM saw no write, that no secret was logged and that every
 * refusal was logged with its code.
 */
export function describeFuzzTarget<E extends CrmEmulator>(
  title: string,
  setup: FuzzSetup<E>,
  properties: (target: FuzzTarget<E>) => void,
): void {
  describe(title, () => {
    let started: Awaited<ReturnType<typeof startTarget<E>>> | undefined;
    beforeAll(async () => {
      started = await startTarget(setup);
    });
    afterAll(async () => {
      await started?.close();
    });
    const current = () => {
      if (started === undefined) throw new Error(`${setup.route}: the fuzz target did not start`);
      return started;
    };

    const target: FuzzTarget<E> = {
      route: setup.route,
      get emulator() {
        return current().emulator;
      },
      run: (req) => current().run(req),
      async expectSameAnswer(req, first, codeOf, what) {
        const again = await current().run(req);
        expect([again.status, codeOf(again)], what).toEqual([first.status, first.code]);
      },
      async expectJsonRefusal(req, res, kind, what) {
        const code = expectRefusal(res, [400], jsonErrorCode, what);
        expect(code, what).toBe(kind === 'json' ? 'validation_failed' : kind);
        await target.expectSameAnswer(req, { status: 400, code }, jsonErrorCode, what);
        return code;
      },
      itFuzzes: (title, fuzz) => itFuzzes(target, title, fuzz),
      itAnswers4xx: (title, fuzz) => itAnswers4xx(target, title, fuzz),
      itAnswers4xxToOddQueries: (variants, probe) =>
        itAnswers4xxToOddQueries(target, variants, probe),
      itAnswers4xxToOddPaths: (variants, probe) => itAnswers4xxToOddPaths(target, variants, probe),
      itAnswers4xxToRawBytes: (variants, probe) => itAnswers4xxToRawBytes(target, variants, probe),
      itIgnoresOddHeaders: (title, variants, probe) =>
        itIgnoresOddHeaders(target, title, variants, probe),
      itRefusesHugeBodies: (title, variants, probe) =>
        itRefusesHugeBodies(target, title, variants, probe),
    };
    properties(target);

    it('is still up after all of it, and the emulator recorded no write', async () => {
      const health = await current().client.send({ method: 'GET', path: '/healthz' });
      expect(health.status).toBe(200);
      expect(current().emulator.requests.filter(setup.isWrite)).toEqual([]);
    });

    it('logged no secret in any run', () => {
      const { leaks, logLines } = current().audit();
      expect(leaks).toEqual([]);
      // The logs were really captured (every request logs at least its arrival and its answer).
      expect(logLines).toBeGreaterThan(1000);
    });

    it('logged every refusal with its stable code', () => {
      expect(Object.fromEntries(current().unlogged)).toEqual({});
    });
  });
}

function itFuzzes<T>(target: Route, title: string, fuzz: Fuzz<T>): void {
  it(
    title,
    async () => {
      const seen = new Set<string>();
      const callsBefore = target.emulator.requests.length;
      await fc.assert(
        fc.asyncProperty(fuzz.inputs, (input) => fuzz.check(input, seen)),
        { seed: fuzz.seed, numRuns: fuzz.numRuns },
      );
      if (fuzz.reaches !== undefined) expect([...seen].sort()).toEqual([...fuzz.reaches].sort());
      const calls = target.emulator.requests.slice(callsBefore);
      if (fuzz.crm === 'untouched') expect(calls).toEqual([]);
      if (fuzz.crm === 'called') expect(calls.length).toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT_MS,
  );
}

function itAnswers4xx<T>(target: Route, title: string, fuzz: Answers4xx<T>): void {
  itFuzzes(target, title, {
    ...fuzz,
    async check(input) {
      const { path = target.route, method = 'POST', mayPass, label, ...req } = fuzz.probe(input);
      const res = await target.run({ method, path, ...req });
      if (mayPass && res.status >= 200 && res.status < 300) return;
      expect4xx(res, `${method} ${JSON.stringify(path)} ${label}`);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The properties every webhook route shares: the same seed and run count for each route, the
// route's own kinds of request drawn along with the odd part.

function itAnswers4xxToOddQueries<V>(target: Route, variants: fc.Arbitrary<V>, probe: ProbeAt<V>) {
  itAnswers4xx(target, 'answers a 4xx with a stable code to any query string on the route', {
    inputs: fc.tuple(oddQuery, variants),
    seed: 0x9e3779b9,
    numRuns: 200,
    probe([query, variant]) {
      const path = `${target.route}?${query}`;
      return { path, ...probe(path, variant) };
    },
  });
}

function itAnswers4xxToOddPaths<V>(target: Route, variants: fc.Arbitrary<V>, probe: ProbeAt<V>) {
  itAnswers4xx(target, 'answers a 4xx with a stable code to odd paths and methods near the route', {
    inputs: fc.tuple(oddPaths(target.route), oddMethods, variants),
    seed: 0x1badb002,
    numRuns: 150,
    probe: ([path, method, variant]) => ({ path, method, ...probe(path, variant) }),
  });
}

function itAnswers4xxToRawBytes<V>(target: Route, variants: fc.Arbitrary<V>, probe: ProbeAt<V>) {
  itAnswers4xx(
    target,
    'answers a 4xx with a stable code to raw non-URL bytes in the request target',
    {
      inputs: fc.tuple(rawByteTargets(target.route), variants),
      seed: 0xe9,
      numRuns: 50,
      probe: ([path, variant]) => ({ path, ...probe(path, variant) }),
    },
  );
}

function itIgnoresOddHeaders<V>(
  target: Route,
  title: string,
  variants: fc.Arbitrary<V>,
  probe: (variant: V) => Refused,
) {
  itFuzzes(target, title, {
    inputs: fc.tuple(oddExtraHeaders, variants),
    seed: 0x4ead,
    numRuns: 100,
    async check([extra, variant]) {
      const { headers, body, status, code, codeOf, label, path = target.route } = probe(variant);
      // The endpoint's own headers last: the odd ones are extra, they replace none of them.
      const res = await target.run({ path, headers: { ...extra, ...headers }, body });
      const what = `${label} headers ${JSON.stringify(extra).slice(0, 300)}`;
      expect(expectRefusal(res, [status], codeOf, what), what).toBe(code);
    },
  });
}

function itRefusesHugeBodies<V extends { readonly fill: string }>(
  target: Route,
  title: string,
  variants: fc.Arbitrary<V>,
  probe: (variant: V, body: Buffer) => Omit<Probe, 'body'> & { readonly codeOf: CodeReader },
) {
  itFuzzes(target, title, {
    inputs: fc.tuple(fc.integer({ min: MIB + 1, max: 3 * MIB }), variants, fc.boolean()),
    seed: 413,
    numRuns: 12,
    async check([size, variant, chunked]) {
      const { fill } = variant;
      const body = Buffer.from(fill.repeat(Math.ceil(size / Buffer.byteLength(fill))));
      const { headers, codeOf, label, path = target.route } = probe(variant, body);
      const res = await target.run({ path, headers, body, chunked });
      const what = `${label} ${body.length} bytes of ${JSON.stringify(fill)}, chunked ${chunked}`;
      expect(expectRefusal(res, [413], codeOf, what), what).toBe('body_too_large');
    },
  });
}
