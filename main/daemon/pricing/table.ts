import type * as Z from 'zod';
import { loadZod, type Zod } from '../../common/zod.js';

/**
 * A price file (prices.ts built in, `pricing.json` overrides), declared once: the types below and
 * the validation with its messages derive from this schema. An override file may leave out any
 * section; whatever it has must be complete, so a typo never turns into a silent zero. Fields it
 * does not know are ignored (prices.ts has a "unit" note).
 */

const MILLION = 'USD per million tokens';
const describeValue = (value: unknown): string => JSON.stringify(value) ?? String(value);

function schemas(z: Zod) {
  const rate = (unit = MILLION) => {
    const error = (issue: { input?: unknown }) => `must be a number >= 0 (${unit}), got ${describeValue(issue.input)}`;
    return z.number({ error }).check(z.gte(0, { error }), z.refine(Number.isFinite, { error }));
  };
  const rateFields = {
    input: rate(),
    output: rate(),
    /** The 5-minute prompt-cache write. */
    cacheWrite: rate(),
    cacheRead: rate(),
    /** The 1-hour prompt-cache write; absent: 2 x input, Anthropic's published multiplier. */
    cacheWrite1h: rate().optional(),
  };
  /** Rates for a whole request whose prompt (input + cache writes + cache reads) exceeds the threshold. */
  const longContext = z
    .object(
      {
        aboveInputTokens: rate('tokens'),
        input: rate(),
        output: rate(),
        cacheWrite: rate().optional(),
        cacheRead: rate().optional(),
        cacheWrite1h: rate().optional(),
      },
      { error: 'must be an object with aboveInputTokens, input, output' },
    )
    // Cache rates left out are scaled like input (the published rule).
    .transform((l) => ({
      aboveInputTokens: l.aboveInputTokens,
      input: l.input,
      output: l.output,
      cacheWrite: l.cacheWrite ?? l.input * 1.25,
      cacheRead: l.cacheRead ?? l.input * 0.1,
      cacheWrite1h: l.cacheWrite1h ?? l.input * 2,
    }));
  const price = z.object(
    { ...rateFields, longContext: longContext.optional() },
    { error: 'must be an object with input, output, cacheWrite, cacheRead' },
  );
  const byLowerKey = <T>(record: Record<string, T>) =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
  const prices = z
    .record(z.string(), price, { error: 'must be an object' })
    .optional()
    .transform((r) => byLowerKey(r ?? {}));
  const updated = z
    .string({ error: (i) => `must be a "YYYY-MM-DD" date, got ${describeValue(i.input)}` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: (i) => `must be a "YYYY-MM-DD" date, got ${describeValue(i.input)}` });
  const file = (requireUpdated: boolean) =>
    z.object(
      {
        /** When the prices were last checked against Anthropic's pricing page. */
        updated: requireUpdated ? updated : updated.optional().transform((u) => u ?? ''),
        /** Keyed by model id; a key without a date (`claude-sonnet-4-5`) stands for its whole generation. */
        models: prices,
        /** A provider listed here prices every model it serves (a local model costs 0). */
        providers: prices,
        /** USD per 1,000 server-side tool calls. */
        serverTools: z
          .object(
            { webSearch: rate('USD per 1,000 calls').optional(), webFetch: rate('USD per 1,000 calls').optional() },
            { error: 'must be an object' },
          )
          .optional()
          .transform((t) => t ?? {}),
        /** Multiplier on every token rate, by `usage.service_tier` (only tiers with a published price). */
        serviceTiers: z
          .record(z.string(), rate('a multiplier'), { error: 'must be an object' })
          .optional()
          .transform((r) => byLowerKey(r ?? {})),
      },
      { error: 'must hold a JSON object' },
    );
  return { builtin: file(true), override: file(false), rates: z.object(rateFields) };
}

type Schemas = ReturnType<typeof schemas>;
let compiled: Schemas | undefined;

/** USD per million tokens of one kind of token. */
export type TokenRates = Z.output<Schemas['rates']>;
/** USD per million tokens. `cacheWrite` is the 5-minute prompt-cache write rate. */
export type TokenPrice = PriceTable['models'][string];
export type LongContextRates = NonNullable<TokenPrice['longContext']>;
export type ServerToolPrices = PriceTable['serverTools'];
export type PriceTable = Z.output<Schemas['builtin']>;

export class PriceTableError extends Error {
  override name = 'PriceTableError';
}

/** `models["claude-sonnet-4-5"].input`, `serviceTiers.batch`: the field as the file spells it. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      const key = String(p);
      const modelKey = i === 1 && (path[0] === 'models' || path[0] === 'providers');
      if (!modelKey && /^[A-Za-z_$][\w$]*$/.test(key)) return i === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

/** Validates a price file; the message names the field and quotes what it holds. */
export function parsePriceTable(raw: unknown, options: { requireUpdated: boolean }): PriceTable {
  compiled ??= schemas(loadZod());
  const result = (options.requireUpdated ? compiled.builtin : compiled.override).safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue || issue.path.length === 0) throw new PriceTableError(`the file ${issue?.message ?? 'is not valid'}`);
  const where = issue.path.length === 1 && issue.path[0] === 'updated' ? '"updated"' : formatPath(issue.path);
  throw new PriceTableError(`${where} ${issue.message}`);
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
