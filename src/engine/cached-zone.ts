import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

// Offsets change only at transitions, which fall on quarter hours in every modern zone, so one
// lookup per quarter hour is exact. Bounded so a long-running process does not grow forever.
const BUCKET_MS = 15 * 60_000;
const MAX_ENTRIES = 100_000;

/**
 * An IANA zone that remembers offsets. luxon asks `Intl` for the offset on every date
 * operation, and that lookup dominates the engine's run time.
 */
class CachedZone extends Zone {
  readonly #inner: IANAZone;
  readonly #offsets = new Map<number, number>();

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
    const bucket = Math.floor(ts / BUCKET_MS);
    let offset = this.#offsets.get(bucket);
    if (offset === undefined) {
      if (this.#offsets.size >= MAX_ENTRIES) this.#offsets.clear();
      offset = this.#inner.offset(ts);
      this.#offsets.set(bucket, offset);
    }
    return offset;
  }
}

const zones = new Map<string, Zone>();

/** The shared, offset-caching zone for an IANA name. */
export function zoneNamed(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    zone = new CachedZone(name);
    zones.set(name, zone);
  }
  return zone;
}
