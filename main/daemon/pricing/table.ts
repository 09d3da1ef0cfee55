/** USD per million tokens. `cacheWrite` is the 5-minute prompt-cache write rate. */
export interface TokenPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export interface PriceTable {
  /** `YYYY-MM-DD`: when the prices were last checked against Anthropic's pricing page. */
  updated: string;
  /** Keyed by model id; a key without a date (`claude-sonnet-4-5`) stands for its whole generation. */
  models: Record<string, TokenPrice>;
  /** A provider listed here prices every model it serves (a local model costs 0). */
  providers: Record<string, TokenPrice>;
}

export class PriceTableError extends Error {
  override name = 'PriceTableError';
}

const PRICE_FIELDS = ['input', 'output', 'cacheWrite', 'cacheRead'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePrice(value: unknown, where: string): TokenPrice {
  if (!isObject(value)) throw new PriceTableError(`${where} must be an object with ${PRICE_FIELDS.join(', ')}`);
  const price: Partial<TokenPrice> = {};
  for (const field of PRICE_FIELDS) {
    const n = value[field];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new PriceTableError(`${where}.${field} must be a number >= 0 (USD per million tokens), got ${JSON.stringify(n)}`);
    }
    price[field] = n;
  }
  return price as TokenPrice;
}

function parsePrices(value: unknown, where: string): Record<string, TokenPrice> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new PriceTableError(`${where} must be an object`);
  const out: Record<string, TokenPrice> = {};
  for (const [key, price] of Object.entries(value)) out[key.toLowerCase()] = parsePrice(price, `${where}["${key}"]`);
  return out;
}

function parseUpdated(value: unknown, required: boolean): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new PriceTableError(`"updated" must be a "YYYY-MM-DD" date, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validates a price file. An override file may leave out `updated`, `models` or `providers`;
 * whatever it has must be complete, so a typo never turns into a silent zero.
 */
export function parsePriceTable(raw: unknown, options: { requireUpdated: boolean }): PriceTable {
  if (!isObject(raw)) throw new PriceTableError('the file must hold a JSON object');
  return {
    updated: parseUpdated(raw.updated, options.requireUpdated),
    models: parsePrices(raw.models, 'models'),
    providers: parsePrices(raw.providers, 'providers'),
  };
}

/** The override's entries win; everything else of the base is kept. */
export function mergePriceTables(base: PriceTable, override: PriceTable): PriceTable {
  return {
    updated: override.updated || base.updated,
    models: { ...base.models, ...override.models },
    providers: { ...base.providers, ...override.providers },
  };
}
