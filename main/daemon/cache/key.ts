import { createHash, type Hash } from 'node:crypto';
import { BILLING_PREFIX, withoutBillingLine } from '../anthropic/billing.js';
import { type Span, topLevelSpans } from '../anthropic/json-spans.js';

export interface CacheKeyInput {
  /** Where the request would go: upstream base + path + query (later: provider and target model too). */
  target: string;
  /** The parsed JSON body, when `raw` is not given. Never mutated: what goes upstream stays the client's bytes. */
  body?: Record<string, unknown>;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body's bytes as received. When given, values are hashed from them (no parsing, no re-serialising). */
  raw?: Buffer;
  /** Where raw's top-level values lie, when already scanned. */
  spans?: ReadonlyMap<string, Span> | null;
}

/** Body fields that never change the answer. `metadata` carries Claude Code's per-run session id. */
const IGNORED_FIELDS = new Set(['metadata', 'stream']);
/** Protocol headers that do change the answer (features, formats). */
const KEYED_HEADERS = ['anthropic-version', 'anthropic-beta'];

function headerValue(headers: CacheKeyInput['headers'], name: string): string {
  let value = headers[name];
  if (value === undefined) {
    const found = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = found === undefined ? undefined : headers[found];
  }
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** Recent credentials' fingerprints: a daemon sees a handful of keys, and hashing one per request adds up. */
const fingerprints = new Map<string, string>();
const FINGERPRINT_MEMO = 64;

/** A short hash of the credential, so two API keys never share answers; never the credential itself. */
export function credentialFingerprint(headers: CacheKeyInput['headers']): string {
  const credential = headerValue(headers, 'x-api-key') || headerValue(headers, 'authorization');
  if (!credential) return '';
  let fingerprint = fingerprints.get(credential);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update('cco-credential\0').update(credential).digest('hex').slice(0, 16);
    if (fingerprints.size >= FINGERPRINT_MEMO) fingerprints.clear();
    fingerprints.set(credential, fingerprint);
  }
  return fingerprint;
}

/**
 * The cache key: a sha256 of everything that determines the answer, and nothing that does not.
 * Top-level fields are taken in sorted order. Values are hashed from the client's own bytes when
 * they are at hand, else as JSON.stringify gives them: a client's nested key order is stable, and
 * a canonical deep sort would cost more than the whole proxy hop.
 */
export function cacheKey(input: CacheKeyInput): string {
  // Few, larger updates: each hash.update() is a native call, and this runs on every request.
  let head = `${input.target}\0`;
  for (const name of KEYED_HEADERS) head += `${name}=${headerValue(input.headers, name)}\0`;
  head += credentialFingerprint(input.headers);
  const hash = createHash('sha256').update(head);
  const spans = input.raw ? (input.spans ?? topLevelSpans(input.raw)) : null;
  if (input.raw && spans) hashSpans(hash, input.raw, spans);
  else hashBody(hash, input.body ?? {});
  return hash.digest('hex');
}

const BILLING_BYTES = Buffer.from(BILLING_PREFIX);

/** From the client's bytes: only a system prompt that holds a billing line is parsed, to cut it out. */
function hashSpans(hash: Hash, raw: Buffer, spans: ReadonlyMap<string, Span>): void {
  const fields = [...spans.keys()].filter((k) => !IGNORED_FIELDS.has(k)).sort();
  for (const field of fields) {
    const [start, end] = spans.get(field)!;
    if (field === 'system' && raw.subarray(start, end).includes(BILLING_BYTES)) {
      const system = parsed(raw, start, end);
      const kept = withoutBillingLine(system);
      if (system !== undefined && kept !== system) {
        hash.update(`\0${field}:${JSON.stringify(kept) ?? 'null'}`);
        continue;
      }
    }
    hash.update(`\0${field}:`).update(raw.subarray(start, end));
  }
}

/** A value's bytes parsed, or undefined if they are not JSON (such a body is refused upstream, never cached). */
function parsed(raw: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(raw.toString('utf8', start, end)) as unknown;
  } catch {
    return undefined;
  }
}

/** From a parsed body: each value as JSON.stringify gives it, which for compact JSON is the client's bytes. */
function hashBody(hash: Hash, body: Record<string, unknown>): void {
  const fields = Object.keys(body).filter((k) => !IGNORED_FIELDS.has(k)).sort();
  for (const field of fields) {
    const value = field === 'system' ? withoutBillingLine(body.system) : body[field];
    hash.update(`\0${field}:${JSON.stringify(value) ?? 'null'}`);
  }
}
