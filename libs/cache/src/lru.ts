/** A small LRU with per-entry expiry (Map keeps insertion order; a hit re-inserts). */
export class Lru<V> {
  private readonly map = new Map<string, { value: V; until: number }>();
  constructor(private readonly max: number) {}

  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    if (e.until <= now) return undefined;
    this.map.set(key, e);
    return e.value;
  }

  /** Stores `value` for `ttlMs` and returns it (so a lookup can cache and answer in one expression). */
  set(key: string, value: V, ttlMs: number, now = Date.now()): V {
    this.map.delete(key);
    this.map.set(key, { value, until: now + ttlMs });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return value;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size() {
    return this.map.size;
  }

  clear() {
    this.map.clear();
  }
}
