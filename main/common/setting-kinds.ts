import { isIP } from 'node:net';
import type * as Z from 'zod/mini';

/**
 * The kinds of value a setting takes (whole numbers, sizes, durations, URLs, hosts), as zod/mini
 * schemas built from the functions the build bundles. Only settings-schema.ts uses them.
 */

/**
 * The zod/mini functions the schemas use. The build bundles exactly these into one small file
 * (scripts/bundle-zod.mjs), and the type makes using another one a compile error until it is added.
 */
export const ZOD_FUNCTIONS = ['pipe', 'transform', 'int', 'gte', 'lte', 'union', 'string', 'number', 'boolean', 'enum'] as const;
export type Zod = Pick<typeof Z, (typeof ZOD_FUNCTIONS)[number]>;

/** A whole number in a range; numeric strings (flags, environment) are accepted. */
export function whole(z: Zod, min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.pipe(
    z.transform((v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v)),
    z.int({ error }).check(z.gte(min, { error }), z.lte(max, { error })),
  );
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};

/** A byte count, also written with a unit as people do (`256MB`, `256 MiB`, `1G`; binary multiples). */
export function byteSize(z: Zod, max: number) {
  const error = `must be a whole number of bytes, at most ${max}, or a size such as 512MB or 1G`;
  return z.pipe(
    z.transform((v: unknown) => {
      const match = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v) : null;
      const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
      return match && unit !== undefined ? Math.round(Number(match[1]) * unit) : v;
    }),
    z.int({ error }).check(z.gte(0, { error }), z.lte(max, { error })),
  );
}

export function text(z: Zod, error: string, parse: (value: string) => string | null) {
  return z.pipe(
    z.union([z.string(), z.number()], { error }),
    z.transform((v: string | number, ctx) => {
      const parsed = parse(String(v));
      if (parsed === null) ctx.issues.push({ code: 'custom', message: error, input: v });
      return parsed ?? '';
    }),
  );
}

export function httpUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** An http(s) URL kept whole (query and path), as a webhook needs it. */
export function httpUrlKeepingPath(value: string): string | null {
  const text = value.trim();
  return /^https?:\/\//i.test(text) && URL.canParse(text) ? text : null;
}

/**
 * An address to bind: an IP literal (brackets around IPv6 allowed) or `localhost`. A host name
 * would be resolved at bind time and fail there with a stack trace instead of a reason.
 */
export function bindHost(value: string): string | null {
  const host = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (host.toLowerCase() === 'localhost') return 'localhost';
  return isIP(host) === 0 ? null : host;
}

/** Node timers overflow (and fire at once) past 2^31 - 1 ms. */
export const MAX_TIMER_SECONDS = 2_000_000;

/** A duration in seconds, fractions allowed (0.5); numeric strings (flags, environment) are accepted. */
export function seconds(z: Zod, min: number, max: number) {
  const error = `must be a number of seconds from ${min} to ${max}`;
  return z.pipe(
    z.transform((v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v)),
    z.number({ error }).check(z.gte(min, { error }), z.lte(max, { error })),
  );
}

/** A postgres:// URL (TLS options in its query); '' means none. */
export function postgresUrl(value: string): string | null {
  const text = value.trim();
  if (text === '') return '';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return url.protocol === 'postgres:' || url.protocol === 'postgresql:' ? text : null;
}

export const shortName = (value: string): string | null => (value.trim().length > 200 ? null : value.trim());

export function flagBoolean(z: Zod) {
  return z.pipe(
    z.transform((v: unknown) => (v === 'true' ? true : v === 'false' ? false : v)),
    z.boolean({ error: 'must be true or false' }),
  );
}
