import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

// Offsets change only at transitions, which fall on quarter hours in every modern zone and at
// most once a UTC day, so two lookups tell a day without one and a search over its quarter
// hours finds the one it has: each UTC day costs `Intl` 2 to 9 lookups, then none. Bounded over
// all zones together (about 150 bytes a day): a bound per zone let a caller asking about every
// zone and every day of a century grow the heap by gigabytes.
const QUARTER_MS = 15 * 60_000;
const DAY_MS = 96 * QUARTER_MS;
export const MAX_CACHED_DAYS = 100_000;
let cachedDays = 0;

/** A UTC day's offsets: `before` until the instant `at`, `after` from it. */
interface DayOffsets {
  readonly before: number;
  readonly after: number;
  readonly at: number;
}

/**
 * An IANA zone that remembers offsets. luxon asks `Intl` for the offset on every date
 * operation, and that lookup dominates the engine's run time.
 */
class CachedZone extends Zone {
  readonly #inner: IANAZone;
  readonly #days = new Map<number, DayOffsets>();
  /** The day asked last: consecutive questions are mostly about the same day. */
  #lastDay = Number.NaN;
  #last: DayOffsets = { before: 0, after: 0, at: 0 };

  constructor(name: string) {
    super();
    this.#inner = IANAZone.create(name);
  }

  override get type(): string {
    return 'iana';
  }
  override get name(): string {
    return this.#inner.name;
  }
  override get isUniversal(): boolean {
    return false;
  }
  override get isValid(): boolean {
    return this.#inner.isValid;
  }
  override offsetName(ts: number, opts: ZoneOffsetOptions): string | null {
    return this.#inner.offsetName(ts, opts);
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.#inner.formatOffset(ts, format);
  }
  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }
  override offset(ts: number): number {
    const day = Math.floor(ts / DAY_MS);
    if (day === this.#lastDay) return ts < this.#last.at ? this.#last.before : this.#last.after;
    let found = this.#days.get(day);
    if (found === undefined) {
      if (cachedDays >= MAX_CACHED_DAYS) forgetDays();
      found = this.#dayOffsets(day * DAY_MS);
      this.#days.set(day, found);
      cachedDays++;
    }
    this.#lastDay = day;
    this.#last = found;
    return ts < found.at ? found.before : found.after;
  }
  forget(): void {
    this.#days.clear();
    this.#lastDay = Number.NaN;
  }
  #dayOffsets(start: number): DayOffsets {
    const before = this.#inner.offset(start);
    const after = this.#inner.offset(start + DAY_MS);
    if (before === after || Number.isNaN(before)) {
      return { before, after: before, at: Number.POSITIVE_INFINITY };
    }
    // The first quarter hour with the new offset: `low` still has the old one, `high` the new.
    let low = 0;
    let high = DAY_MS / QUARTER_MS;
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if (this.#inner.offset(start + mid * QUARTER_MS) === before) low = mid;
      else high = mid;
    }
    return { before, after, at: start + high * QUARTER_MS };
  }
}

const zones = new Map<string, CachedZone>();

function forgetDays(): void {
  for (const zone of zones.values()) zone.forget();
  cachedDays = 0;
}

/** UTC days whose offsets are cached, over all zones: never more than `MAX_CACHED_DAYS`. */
export const cachedZoneDays = () => cachedDays;

/** The shared, offset-caching zone for an IANA name. */
export function zoneNamed(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    zone = new CachedZone(name);
    zones.set(name, zone);
  }
  return zone;
}
