import { readFileSync } from 'node:fs';
import type { Logger } from '../../common/logger.js';
import { BUILTIN_PRICES as builtin } from './prices.js';
import { mergePriceTables, parsePriceTable, type PriceTable } from './table.js';
import { errorMessage } from '../../common/format.js';

/** The prices shipped with CCO (`prices.ts`, the one place to update them). */
export function builtinPriceTable(): PriceTable {
  return parsePriceTable(builtin, { requireUpdated: true });
}

function readOverride(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text);
}

/**
 * The built-in prices, overridden and extended by the user's `pricing.json` when there is one.
 * A broken override is reported and ignored as a whole: half of a file is worse than none.
 */
export function loadPriceTable(overrideFile: string | null, logger: Logger): PriceTable {
  const base = builtinPriceTable();
  if (overrideFile === null) return base;
  try {
    const raw = readOverride(overrideFile);
    if (raw === undefined) return base;
    const table = mergePriceTables(base, parsePriceTable(raw, { requireUpdated: false }));
    logger.info(`Prices: built-in table of ${base.updated} with overrides from ${overrideFile}`);
    return table;
  } catch (error) {
    logger.error(`Ignoring ${overrideFile} (using the built-in prices of ${base.updated}): ${errorMessage(error)}`);
    return base;
  }
}
