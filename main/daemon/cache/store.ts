import QuickLRU from 'quick-lru';
import type { Message, Usage } from '../anthropic/types.js';

export interface CacheOptions {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
  /** Injected so expiry is testable without waiting. */
  now: () => number;
  /** Counted per entry besides its JSON bytes; default: what the key and bookkeeping take. */
  entryOverheadBytes?: number;
}

/**
 * A stored answer: its JSON as UTF-8 bytes, the one form held (a non-streaming hit sends it as is,
 * a streaming hit parses it), plus what a usage record needs. Bytes rather than a string so that
 * what is counted is what is held: a V8 string takes one or two bytes per character.
 */
export interface StoredAnswer {
  json: Buffer;
  model: string | null;
  usage: Usage | undefined;
}

/** Heap an entry holds besides its bytes (key, entry and usage objects, the buffer's own header). */
const ENTRY_OVERHEAD_BYTES = 1024;

export function storedAnswer(message: Message): StoredAnswer {
  const text = JSON.stringify(message);
  // Unpooled: a small pooled Buffer would keep its whole 8 KB pool slab alive after eviction.
  const json = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  json.write(text);
  return { json, model: typeof message.model === 'string' ? message.model : null, usage: message.usage };
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
  /** Complete answers not stored because they held something replay could not reproduce. */
  uncacheable: number;
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
  private readonly counters: CacheCounters = {
    hits: 0, misses: 0, failed: 0, coalesced: 0, bypassed: 0, uncacheable: 0, evictions: 0, expired: 0,
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

  /** Counts how one request was served; the cache owns its counters so they cannot drift from `stats()`. */
  count(outcome: 'hits' | 'misses' | 'failed' | 'coalesced' | 'bypassed' | 'uncacheable'): void {
    this.counters[outcome]++;
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
    const answer = storedAnswer(message);
    const bytes = answer.json.length + (this.options.entryOverheadBytes ?? ENTRY_OVERHEAD_BYTES);
    if (bytes > this.options.maxBytes) return;
    const previous = lru.peek(key);
    if (previous) {
      lru.delete(key);
      this.forget(previous, false);
    }
    lru.set(key, { ...answer, bytes, expiresAt: this.options.now() + this.options.ttlMs });
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
