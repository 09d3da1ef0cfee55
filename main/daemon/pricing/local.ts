import type { ModelPrice, Pricer } from './pricer.js';
import type { PriceTable } from './table.js';

const FREE: ModelPrice = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, estimated: false };

/**
 * A model running on this machine (an `ollama` provider) costs nothing, unless pricing.json says
 * otherwise for that provider. Asked per record, so routing reloads apply at once.
 */
export function withFreeLocalProviders(pricer: Pricer, table: PriceTable, isLocal: (provider: string) => boolean): Pricer {
  return {
    priceFor(model, provider) {
      if (!table.providers[provider.toLowerCase()] && isLocal(provider)) return FREE;
      return pricer.priceFor(model, provider);
    },
  };
}
