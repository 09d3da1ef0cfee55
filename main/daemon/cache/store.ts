import QuickLRU from 'quick-lru';
import type { Message } from '../anthropic/types.js';

export interface CacheOptions {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
  /** Injected so expiry is testable without waiting. */
  now: () => number;
}

/** A stored answer with its JSON form kept, so a non-streaming hit costs no serialisation. */
export interface StoredAnswer {
  message: Message;
  json: string;
}

interface Entry extends StoredAnswer {
  bytes: number;
  expiresAt: number;
}

export interface CacheCounters {
  hits: number;
  /** Looked up, not found, and answered without error (a failed call is counted in `failed`). */
  misses: number;
  failed: number;
  coalesced: number;
  bypassed: number;
  evictions: number;
  expired: number;
}

export interface CacheStats extends CacheCounters {
  hitRate: number;
  size: number;
  maxSize: number;
  bytes: number;
  maxBytes: number;
  ttlSeconds: number;
}

/**
 * The response cache: quick-lru gives LRU order; on top of it the entry and byte bounds are
 * enforced exactly (quick-lru alone may hold up to twice its maxSize) and expiry follows the
 * injected clock.
 */
export class ResponseCache {
  readonly counters: CacheCounters = {
    hits: 0, misses: 0, failed: 0, coalesced: 0, bypassed: 0, evictions: 0, expired: 0,
  };
  private readonly lru: QuickLRU<string, Entry> | undefined;
  private entries = 0;
  private totalBytes = 0;

  constructor(private readonly options: CacheOptions) {
    if (options.maxEntries > 0 && options.maxBytes > 0) {
      this.lru = new QuickLRU<string, Entry>({
        maxSize: options.maxEntries,
        onEviction: (_key, entry) => this.forget(entry, true),
      });
    }
  }

  get enabled(): boolean {
    return this.lru !== undefined;
  }

  /** The stored answer for `key`, or undefined (expired entries are dropped, never served). */
  get(key: string): StoredAnswer | undefined {
    const entry = this.lru?.get(key);
    if (!entry) return undefined;
    if (this.options.now() >= entry.expiresAt) {
      this.lru!.delete(key);
      this.forget(entry, false);
      this.counters.expired++;
      return undefined;
    }
    return entry;
  }

  set(key: string, message: Message): void {
    const lru = this.lru;
    if (!lru) return;
    const json = JSON.stringify(message);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.options.maxBytes) return;
    const previous = lru.peek(key);
    if (previous) {
      lru.delete(key);
      this.forget(previous, false);
    }
    lru.set(key, { message, json, bytes, expiresAt: this.options.now() + this.options.ttlMs });
    this.entries++;
    this.totalBytes += bytes;
    this.evictOverflow(lru);
  }

  private evictOverflow(lru: QuickLRU<string, Entry>): void {
    while (this.entries > this.options.maxEntries || this.totalBytes > this.options.maxBytes) {
      const oldest = lru.entriesAscending().next();
      if (oldest.done) return;
      const [key, entry] = oldest.value;
      lru.delete(key);
      this.forget(entry, true);
    }
  }

  private forget(entry: Entry, evicted: boolean): void {
    this.entries--;
    this.totalBytes -= entry.bytes;
    if (evicted) this.counters.evictions++;
  }

  clear(): { cleared: number; freedBytes: number } {
    const result = { cleared: this.entries, freedBytes: this.totalBytes };
    this.lru?.clear();
    this.entries = 0;
    this.totalBytes = 0;
    return result;
  }

  stats(): CacheStats {
    const { hits, misses, coalesced } = this.counters;
    // The dashboard's one definition: answered from the cache (hits and coalesced) over cacheable
    // requests that did not fail.
    const answered = hits + coalesced;
    const lookups = answered + misses;
    return {
      ...this.counters,
      hitRate: lookups === 0 ? 0 : answered / lookups,
      size: this.entries,
      maxSize: this.options.maxEntries,
      bytes: this.totalBytes,
      maxBytes: this.options.maxBytes,
      ttlSeconds: Math.round(this.options.ttlMs / 1000),
    };
  }
}
