/** USD per million tokens of one kind of token. */
export interface TokenRates {
  input: number;
  output: number;
  /** The 5-minute prompt-cache write. */
  cacheWrite: number;
  cacheRead: number;
  /** The 1-hour prompt-cache write; absent: 2 x input, Anthropic's published multiplier. */
  cacheWrite1h?: number;
}

/** Rates for a whole request whose prompt (input + cache writes + cache reads) exceeds the threshold. */
export interface LongContextRates extends TokenRates {
  aboveInputTokens: number;
}

/** USD per million tokens. `cacheWrite` is the 5-minute prompt-cache write rate. */
export interface TokenPrice extends TokenRates {
  longContext?: LongContextRates;
}

/** USD per 1,000 server-side tool calls. */
export interface ServerToolPrices {
  webSearch?: number;
  webFetch?: number;
}

export interface PriceTable {
  /** `YYYY-MM-DD`: when the prices were last checked against Anthropic's pricing page. */
  updated: string;
  /** Keyed by model id; a key without a date (`claude-sonnet-4-5`) stands for its whole generation. */
  models: Record<string, TokenPrice>;
  /** A provider listed here prices every model it serves (a local model costs 0). */
  providers: Record<string, TokenPrice>;
  serverTools: ServerToolPrices;
  /** Multiplier on every token rate, by `usage.service_tier` (only tiers with a published price). */
  serviceTiers: Record<string, number>;
}

export class PriceTableError extends Error {
  override name = 'PriceTableError';
}

const PRICE_FIELDS = ['input', 'output', 'cacheWrite', 'cacheRead'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rate(value: unknown, where: string, unit = 'USD per million tokens'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PriceTableError(`${where} must be a number >= 0 (${unit}), got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseRates(value: Record<string, unknown>, where: string): TokenRates {
  const rates: Partial<TokenRates> = {};
  for (const field of PRICE_FIELDS) rates[field] = rate(value[field], `${where}.${field}`);
  if (value.cacheWrite1h !== undefined) rates.cacheWrite1h = rate(value.cacheWrite1h, `${where}.cacheWrite1h`);
  return rates as TokenRates;
}

/** The long-context tier: cache rates left out are scaled like input (the published rule). */
function parseLongContext(value: unknown, where: string): LongContextRates {
  if (!isObject(value)) throw new PriceTableError(`${where} must be an object with aboveInputTokens, input, output`);
  const above = rate(value.aboveInputTokens, `${where}.aboveInputTokens`, 'tokens');
  const input = rate(value.input, `${where}.input`);
  const output = rate(value.output, `${where}.output`);
  const long: LongContextRates = {
    aboveInputTokens: above, input, output, cacheWrite: input * 1.25, cacheRead: input * 0.1,
  };
  if (value.cacheWrite !== undefined) long.cacheWrite = rate(value.cacheWrite, `${where}.cacheWrite`);
  if (value.cacheRead !== undefined) long.cacheRead = rate(value.cacheRead, `${where}.cacheRead`);
  long.cacheWrite1h = value.cacheWrite1h === undefined ? input * 2 : rate(value.cacheWrite1h, `${where}.cacheWrite1h`);
  return long;
}

function parsePrice(value: unknown, where: string): TokenPrice {
  if (!isObject(value)) throw new PriceTableError(`${where} must be an object with ${PRICE_FIELDS.join(', ')}`);
  const price: TokenPrice = parseRates(value, where);
  if (value.longContext !== undefined) price.longContext = parseLongContext(value.longContext, `${where}.longContext`);
  return price;
}

function parsePrices(value: unknown, where: string): Record<string, TokenPrice> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new PriceTableError(`${where} must be an object`);
  const out: Record<string, TokenPrice> = {};
  for (const [key, price] of Object.entries(value)) out[key.toLowerCase()] = parsePrice(price, `${where}["${key}"]`);
  return out;
}

function parseServerTools(value: unknown): ServerToolPrices {
  if (value === undefined) return {};
  if (!isObject(value)) throw new PriceTableError('serverTools must be an object');
  const out: ServerToolPrices = {};
  const unit = 'USD per 1,000 calls';
  if (value.webSearch !== undefined) out.webSearch = rate(value.webSearch, 'serverTools.webSearch', unit);
  if (value.webFetch !== undefined) out.webFetch = rate(value.webFetch, 'serverTools.webFetch', unit);
  return out;
}

function parseServiceTiers(value: unknown): Record<string, number> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new PriceTableError('serviceTiers must be an object');
  const out: Record<string, number> = {};
  for (const [tier, m] of Object.entries(value)) {
    out[tier.toLowerCase()] = rate(m, `serviceTiers.${tier}`, 'a multiplier');
  }
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
 * Validates a price file. An override file may leave out any section; whatever it has must be
 * complete, so a typo never turns into a silent zero.
 */
export function parsePriceTable(raw: unknown, options: { requireUpdated: boolean }): PriceTable {
  if (!isObject(raw)) throw new PriceTableError('the file must hold a JSON object');
  return {
    updated: parseUpdated(raw.updated, options.requireUpdated),
    models: parsePrices(raw.models, 'models'),
    providers: parsePrices(raw.providers, 'providers'),
    serverTools: parseServerTools(raw.serverTools),
    serviceTiers: parseServiceTiers(raw.serviceTiers),
  };
}

/** The override's entries win; everything else of the base is kept. */
export function mergePriceTables(base: PriceTable, override: PriceTable): PriceTable {
  return {
    updated: override.updated || base.updated,
    models: { ...base.models, ...override.models },
    providers: { ...base.providers, ...override.providers },
    serverTools: { ...base.serverTools, ...override.serverTools },
    serviceTiers: { ...base.serviceTiers, ...override.serviceTiers },
  };
}
