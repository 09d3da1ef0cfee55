import { readFileSync } from 'node:fs';
import type { Logger } from '../../common/logger.js';
import { BUILTIN_PROVIDER, defaultRouting, parseRoutingConfig, type RoutingConfig } from './config.js';
import { errorMessage } from '../../common/format.js';

export interface RoutingProblem {
  message: string;
  at: number;
}

/**
 * The routes in force. A reload that finds a broken file keeps the routes it had and keeps the
 * error for `GET /api/routing`; a missing file means everything goes to the upstream.
 */
export class RoutingTable {
  private config: RoutingConfig;
  private problem: RoutingProblem | null = null;
  private loaded: number | null = null;
  private lastText: string | undefined;
  private foreign = false;

  constructor(
    readonly file: string | null,
    private readonly upstream: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.config = defaultRouting(upstream);
  }

  current(): RoutingConfig {
    return this.config;
  }

  /** Whether any provider in force speaks something other than the Anthropic API. */
  get foreignProviders(): boolean {
    return this.foreign;
  }

  /** Whether every request goes to the built-in upstream (no routes, default unchanged). */
  get upstreamOnly(): boolean {
    return this.config.routes.length === 0 && this.config.default === BUILTIN_PROVIDER;
  }

  get error(): RoutingProblem | null {
    return this.problem;
  }

  /** Whether the routing file was there at the last read (an absent file means no routes at all). */
  get fileFound(): boolean {
    return this.lastText !== undefined;
  }

  get loadedAt(): number | null {
    return this.loaded;
  }

  /** Reads the file again; returns whether the routes in force changed. */
  reload(): boolean {
    if (this.file === null) return false;
    let text: string | undefined;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return this.fail(`cannot read ${this.file}: ${errorMessage(error)}`);
    }
    if (text === this.lastText && this.problem === null) return false;
    this.lastText = text;
    if (text === undefined) return this.apply(defaultRouting(this.upstream), `No ${this.file}: every model goes to ${this.upstream}`);
    try {
      const config = parseRoutingConfig(text, this.file, this.upstream);
      return this.apply(config, `Routing: ${config.routes.length} route(s) and ${Object.keys(config.providers).length} provider(s) from ${this.file}`);
    } catch (error) {
      return this.fail(`${errorMessage(error)} (keeping the previous routes)`);
    }
  }

  private apply(config: RoutingConfig, message: string): boolean {
    this.config = config;
    this.foreign = Object.values(config.providers).some((p) => p.type !== 'anthropic');
    this.problem = null;
    this.loaded = this.now();
    this.logger.info(message);
    return true;
  }

  private fail(message: string): boolean {
    this.problem = { message, at: this.now() };
    this.logger.error(`Invalid routing file: ${message}`);
    return false;
  }
}
