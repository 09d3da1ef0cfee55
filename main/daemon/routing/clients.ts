import { createUpstreamClient, type UpstreamClient } from '../http/upstream.js';
import type { ProviderConfig, RoutingConfig } from './config.js';
import { BUILTIN_PROVIDER } from './config.js';

export interface PoolTimeouts {
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

/**
 * One keep-alive connection pool per provider endpoint. A reload keeps the pools whose endpoint
 * did not change and closes the others once their requests under way have finished.
 */
export class ProviderClients {
  private pools = new Map<string, UpstreamClient>();

  constructor(
    private readonly builtin: UpstreamClient,
    private readonly timeouts: PoolTimeouts,
  ) {}

  client(provider: ProviderConfig): UpstreamClient {
    if (provider.name === BUILTIN_PROVIDER) return this.builtin;
    const key = poolKey(provider);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = createUpstreamClient({
        baseUrl: provider.baseUrl,
        headersTimeoutMs: provider.timeoutMs ?? this.timeouts.headersTimeoutMs,
        idleTimeoutMs: this.timeouts.idleTimeoutMs,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Drops the pools no provider of `config` uses any more. */
  retain(config: RoutingConfig): void {
    const wanted = new Set(Object.values(config.providers).filter((p) => p.name !== BUILTIN_PROVIDER).map(poolKey));
    for (const [key, pool] of this.pools) {
      if (wanted.has(key)) continue;
      this.pools.delete(key);
      void pool.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }
}

function poolKey(p: ProviderConfig): string {
  return `${p.baseUrl}\0${p.timeoutMs ?? ''}`;
}
