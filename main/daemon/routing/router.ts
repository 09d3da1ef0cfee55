import type { Logger } from '../../common/logger.js';
import type { UpstreamClient } from '../http/upstream.js';
import { ProviderClients, type PoolTimeouts } from './clients.js';
import type { ProviderType } from './config.js';
import { type ServedResponse, sendWithFallback } from './fallback.js';
import { HealthBook } from './health.js';
import { decideRoute, type RouteDecision, type RouteQuery } from './match.js';
import type { RoutedCall } from './send.js';
import { RoutingTable } from './table.js';
import { watchFile, type Watcher } from '../../common/watch-file.js';
import { routingSnapshot, type RoutingSnapshot } from './snapshot.js';

export interface ModelRouterDeps {
  /** model-routing.json; null: no routing file, everything goes to the upstream. */
  file: string | null;
  upstream: UpstreamClient;
  timeouts: PoolTimeouts;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  now: () => number;
}

/** Decides where each request goes and sends it there, following model-routing.json as it changes. */
export class ModelRouter {
  readonly table: RoutingTable;
  private readonly health: HealthBook;
  private readonly clients: ProviderClients;
  private readonly watcher: Watcher | undefined;

  constructor(private readonly deps: ModelRouterDeps) {
    this.table = new RoutingTable(deps.file, deps.upstream.baseUrl, deps.logger, deps.now);
    this.health = new HealthBook(deps.now);
    this.clients = new ProviderClients(deps.upstream, deps.timeouts);
    this.table.reload();
    if (deps.file !== null) this.watcher = watchFile(deps.file, () => this.reload(), deps.logger);
  }

  reload(): void {
    if (this.table.reload()) this.clients.retain(this.table.current());
  }

  decide(query: RouteQuery): RouteDecision {
    return decideRoute(this.table.current(), query);
  }

  send(decision: RouteDecision, call: RoutedCall, signal: AbortSignal): Promise<ServedResponse> {
    const { env, logger } = this.deps;
    const foreignProviders = this.table.foreignProviders;
    return sendWithFallback({ client: (p) => this.clients.client(p), foreignProviders, env, logger, health: this.health }, decision, call, signal);
  }

  providerType(name: string): ProviderType | undefined {
    return this.table.current().providers[name]?.type;
  }

  snapshot(): RoutingSnapshot {
    return routingSnapshot(this.table, this.health, this.deps.env);
  }

  async close(): Promise<void> {
    this.watcher?.close();
    await this.clients.close();
  }
}
