import { AsyncLocalStorage } from 'node:async_hooks';
import { createAccountShare, type WindowReport } from './account-share.ts';
import { CrmError } from './crm-connector.port.ts';
import type { DailyGuard } from './daily-guard.ts';

/**
 * The budget of one piece of work (a webhook delivery or a sweep), carried implicitly through
 * every CRM call it makes: when the sender stops waiting, queued and retried calls stop too.
 */
export interface WorkBudget {
  /** Aborted when the work's deadline passes. */
  readonly signal?: AbortSignal;
  /** `performance.now()` by which the work must be done. */
  readonly deadlineAt?: number;
  /** Background work (the sweep) gives way to webhooks in the queue and is never shed. */
  readonly background?: boolean;
  /** Calls this work still expects to make; counted as queued while it has not made them. */
  reserved: number;
  /** Set when this work reads the CRM's daily counter again while the daily guard is shut. */
  probing?: boolean;
}

const budgets = new AsyncLocalStorage<WorkBudget>();

/** Runs `work` with `budget` as the budget of every CRM call it makes. */
export function withBudget<T>(budget: WorkBudget, work: () => Promise<T>): Promise<T> {
  return budgets.run(budget, work);
}

export function currentBudget(): WorkBudget | undefined {
  return budgets.getStore();
}

/** Milliseconds left before the current work's deadline; Infinity without one. */
export function timeLeftMs(): number {
  const at = currentBudget()?.deadlineAt;
  return at === undefined ? Number.POSITIVE_INFINITY : at - performance.now();
}

/** The work's deadline passed while it waited for its turn or for a retry. */
export function deadlineError(): CrmError {
  return new CrmError('The webhook deadline passed before the CRM calls could finish', {
    code: 'deadline_exceeded',
    retryable: true,
  });
}

export interface RequestGateOptions {
  /** Requests the service may start per window, all replicas together; 0 means no limit. */
  readonly limit: number;
  /**
   * Replicas that may run at once: each takes `limit ÷ replicas` while the CRM reports nothing
   * about its window (see `account-share.ts`).
   * @default 1
   */
  readonly replicas?: number;
  /** @default 10_000, the window of HubSpot's burst limit and of `CRM_RATE_LIMIT` */
  readonly windowMs?: number;
  /** Requests in flight at once; 0 means no limit. */
  readonly maxConcurrency: number;
  /** @default performance.now */
  readonly clock?: () => number;
  /** Told, for each request, how long it waited for its turn and how long it then took. */
  readonly onRequest?: (waitedMs: number, tookMs: number) => void;
  /** Stops calls past the service's share of the CRM's daily allocation. */
  readonly daily?: DailyGuard;
}

export interface RequestGate {
  /** Runs one CRM request when the rate limit and the concurrency cap allow it. */
  run<T>(request: () => Promise<T>): Promise<T>;
  /**
   * How long the last of a webhook's `requests` would wait for its turn if it were admitted
   * now, counting the requests queued and those that admitted webhooks still expect to make.
   */
  expectedWaitMs(requests?: number): number;
  /** Counts `budget.reserved` as coming until the returned release is called. */
  admit(budget: WorkBudget): () => void;
  /**
   * Books `requests` after everything queued, admitted and booked before, and returns the
   * milliseconds until the last of them may start: the `Retry-After` of a shed delivery, so
   * that shed deliveries come back one after another, each when its turn opens.
   */
  book(requests: number): number;
  /** Counters since start: requests started, and requests that had to queue. */
  readonly stats: { readonly started: number; readonly queued: number };
  /** Requests waiting for their turn now. */
  waiting(): number;
  /** Takes what the CRM said of the account's window on an answer; requests pace by it. */
  report(window: WindowReport): void;
  /** The daily budget guard every request passes, when there is one. */
  readonly daily?: DailyGuard;
}

interface Waiter {
  readonly start: () => void;
}

const WINDOW_MARGIN_MS = 250;

/**
 * The longest turn booked for a shed delivery. Senders that ignore `Retry-After` (or a burst
 * far beyond the limit) would otherwise push every later booking further out; past this, a
 * redelivery is simply shed again and booked anew.
 */
export const MAX_BOOKING_MS = 5 * 60_000;

/**
 * Requests start in arrival order (webhooks before background work), never more than this
 * replica's part of `limit` in any window (from the CRM's reports, else the static split) and
 * never more than `maxConcurrency` at once. The window is held a little longer than the CRM's
 * own, so network jitter cannot land two windows' requests in one.
 */
export function createRequestGate(options: RequestGateOptions): RequestGate {
  const { limit } = options;
  const windowMs = (options.windowMs ?? 10_000) + (limit > 0 ? WINDOW_MARGIN_MS : 0);
  const maxConcurrency = options.maxConcurrency > 0 ? options.maxConcurrency : Infinity;
  const clock = options.clock ?? (() => performance.now());
  const account = createAccountShare(limit, options.replicas ?? 1);
  const starts: number[] = [];
  const urgent: Waiter[] = [];
  const background: Waiter[] = [];
  const admitted = new Set<WorkBudget>();
  const stats = { started: 0, queued: 0 };
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  // A moving average of request time, to estimate waits behind the concurrency cap.
  let latencyMs = 100;

  function inWindow(at: number): number {
    while (starts.length > 0 && (starts[0] ?? 0) <= at - windowMs) starts.shift();
    return starts.length;
  }

  /** From the CRM's last report when it is fresh, else from the static split. */
  function mayStart(at: number): boolean {
    const claimable = account.claimable(at);
    return claimable === undefined ? inWindow(at) < account.staticLimit : claimable >= 1;
  }

  function roomAt(at: number): number {
    if (account.claimable(at) !== undefined) return account.nextClaimAt(at);
    return (starts[0] ?? at) + windowMs;
  }

  /**
   * Starts per window this replica can count on, for wait estimates: its static part. A
   * replica alone gets more from the CRM's reports, but what it admits must not depend on
   * other replicas staying idle.
   */
  const windowLimit = (at: number) =>
    account.claimable(at) === undefined ? account.staticLimit : account.paceLimit;

  function pump(): void {
    for (;;) {
      const queue = urgent.length > 0 ? urgent : background;
      const next = queue[0];
      if (!next || inFlight >= maxConcurrency) return;
      const at = clock();
      if (limit > 0 && !mayStart(at)) {
        // One timer wakes the queue when the window should have room again; an answer with a
        // new report from the CRM wakes it sooner.
        if (timer === undefined) {
          timer = setTimeout(
            () => {
              timer = undefined;
              pump();
            },
            Math.max(1, Math.min(roomAt(at), at + windowMs) - at),
          );
        }
        return;
      }
      queue.shift();
      if (limit > 0) {
        starts.push(at);
        account.started();
      }
      inFlight++;
      next.start();
    }
  }

  function turn(budget: WorkBudget | undefined): Promise<void> {
    const queue = budget?.background ? background : urgent;
    return new Promise<void>((resolve, reject) => {
      const signal = budget?.signal;
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(deadlineError());
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      pump();
      if (queue.includes(waiter)) stats.queued++;
    });
  }

  async function run<T>(request: () => Promise<T>): Promise<T> {
    const budget = currentBudget();
    if (budget?.signal?.aborted) throw deadlineError();
    if (options.daily && !budget?.probing) {
      const verdict = options.daily.check(budget?.background ?? false);
      if (verdict === 'probe' && budget) budget.probing = true;
    }
    if (budget && budget.reserved > 0) budget.reserved--;
    const asked = clock();
    await turn(budget);
    stats.started++;
    const began = clock();
    try {
      return await request();
    } finally {
      const took = clock() - began;
      latencyMs = latencyMs * 0.8 + took * 0.2;
      inFlight--;
      pump();
      options.onRequest?.(began - asked, took);
    }
  }

  /**
   * When the request after `ahead` others may start: its slot frees when the start `limit`
   * places before it leaves the window. Starts cluster (a full window's worth can go at once),
   * so this reads the recorded start times instead of assuming them evenly spread.
   */
  function slotOpensIn(at: number, ahead: number): number {
    const limit = windowLimit(at);
    const used = inWindow(at);
    let slot = used + ahead;
    let later = 0;
    while (slot - limit >= used) {
      slot -= limit;
      later += windowMs;
    }
    const freedBy = slot - limit;
    const opens = freedBy < 0 ? at : (starts[freedBy] ?? at) + windowMs;
    return Math.max(0, opens - at) + later;
  }

  /** Requests queued now, and those admitted webhooks still expect to make. */
  function queuedAhead(): number {
    let ahead = urgent.length;
    for (const budget of admitted) ahead += budget.reserved;
    return ahead;
  }

  /** Turns handed out to shed deliveries, until they are due. */
  const bookings: { at: number; requests: number }[] = [];

  function book(requests: number): number {
    const at = clock();
    while (bookings.length > 0 && (bookings[0]?.at ?? 0) <= at) bookings.shift();
    const ahead = queuedAhead() + bookings.reduce((sum, b) => sum + b.requests, 0);
    const wait = limit > 0 ? Math.min(MAX_BOOKING_MS, slotOpensIn(at, ahead + requests - 1)) : 0;
    bookings.push({ at: at + wait, requests });
    bookings.sort((a, b) => a.at - b.at);
    return wait;
  }

  function expectedWaitMs(requests = 1): number {
    const byRate = limit > 0 ? slotOpensIn(clock(), queuedAhead() + requests - 1) : 0;
    // Reserved requests come one after another, so only queued ones wait for a free slot.
    const byConcurrency =
      maxConcurrency === Infinity ? 0 : Math.floor(urgent.length / maxConcurrency) * latencyMs;
    return Math.ceil(Math.max(byRate, byConcurrency));
  }

  function admit(budget: WorkBudget): () => void {
    admitted.add(budget);
    return () => {
      admitted.delete(budget);
    };
  }

  return {
    run,
    expectedWaitMs,
    admit,
    book,
    stats,
    waiting: () => urgent.length + background.length,
    ...(options.daily ? { daily: options.daily } : {}),
    report(window) {
      if (limit <= 0) return;
      const at = clock();
      // The request that brought this report is still counted in flight, though the CRM counted it.
      account.record(window, at, Math.max(0, inFlight - 1), starts);
      pump();
    },
  };
}
