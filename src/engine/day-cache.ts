import type { Schedule } from './types.ts';

interface Entries<T> {
  readonly byKind: Map<string, Map<string, Map<number, T>>>;
  size: number;
}

/**
 * Values derived once from one day of a schedule, per two-part kind (the lead's kind and its
 * zone or zones) and day number, in nested maps so that a lookup builds no key string.
 * Bounded: at `max` values a schedule's entries are dropped and rebuilt as asked for, so a
 * long-running process does not grow forever and the values never depend on the history.
 */
export class DayCache<T> {
  readonly #bySchedule = new WeakMap<Schedule, Entries<T>>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** The values of one kind, by day number; add to it with `put`. */
  of(schedule: Schedule, kind: string, sub: string): Map<number, T> {
    let entries = this.#bySchedule.get(schedule);
    if (!entries) {
      entries = { byKind: new Map(), size: 0 };
      this.#bySchedule.set(schedule, entries);
    }
    if (entries.size >= this.#max) {
      entries.byKind.clear();
      entries.size = 0;
    }
    let subs = entries.byKind.get(kind);
    if (!subs) {
      subs = new Map();
      entries.byKind.set(kind, subs);
    }
    let days = subs.get(sub);
    if (!days) {
      days = new Map();
      subs.set(sub, days);
    }
    return days;
  }

  put(schedule: Schedule, days: Map<number, T>, number: number, value: T): T {
    days.set(number, value);
    const entries = this.#bySchedule.get(schedule);
    if (entries) entries.size++;
    return value;
  }
}
