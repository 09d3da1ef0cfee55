import { setMaxListeners } from 'node:events';
import { createServer, maxHeaderSize, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import type { DaemonConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { ResponseCache } from './cache/store.js';
import { appErrorListener, clientErrorHandler, isClientGone } from './http/client-errors.js';
import { HttpError } from './http/errors.js';
import { InFlight } from './http/in-flight.js';
import { refuseAdminRequest } from './http/admin.js';
import { refuseForeignRequest } from './http/guard.js';
import { normalisePath } from './http/path.js';
import { upgradeDispatcher, type UpgradeRoute, type UpgradeShared } from './http/upgrade.js';
import type { ProxyContext } from './proxy/context.js';
import type { QuotaObserver } from './quota/service.js';
import { Limiter } from './proxy/limiter.js';
import { messagesHandler } from './proxy/messages.js';
import { passthroughHandler } from './proxy/passthrough.js';
import { createUpstreamClient } from './http/upstream.js';
import { ModelRouter } from './routing/router.js';
import { cacheRouter } from './routes/cache.js';
import { healthRouter } from './routes/health.js';
import { uiMiddleware } from './routes/ui.js';
import { routingRouter } from './routes/routing.js';
import { nullRecorder, type RequestRecorder } from './usage/record.js';

/** The proxy's state that routes mounted by the host may read (the stats and metrics routes). */
export interface ProxyShared {
  cache: ResponseCache;
  limiter: Limiter;
  /** Client requests on `/v1/*` being served right now. */
  inFlight: () => number;
}

export interface DaemonDeps {
  config: DaemonConfig;
  logger: Logger;
  now?: () => number;
  recorder?: RequestRecorder;
  /** Told every upstream response's headers (plan usage); absent: not read. */
  quota?: QuotaObserver;
  /** More routes mounted by the host (analytics, dashboard, terminal); each gets the proxy's shared state. */
  routers?: Array<(shared: ProxyShared) => Router>;
  /** Extra host names accepted in `Host` besides the loopback ones. */
  allowedHosts?: string[];
  /** The per-install secret (main/common/token.ts) that the terminal and browser admin actions require. */
  token?: string;
  /** The dashboard's built files; omitted, the daemon serves a one-line text page at `/`. */
  uiDir?: string;
  /** model-routing.json, watched for changes; absent: every model goes to the upstream. */
  routingFile?: string;
  /** Where providers' API keys are looked up (`apiKeyEnv`); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Asked before each request goes upstream (budgets); returns a refusal message or null. */
  admit?: (request: { project: string; model: string | null }) => string | null;
  /** WebSocket endpoints (the terminal), created with the daemon's logger, token and address. */
  upgrades?: Array<(shared: UpgradeShared) => UpgradeRoute>;
  /** Shown in /health so a CLI can tell a daemon of another data directory (main/common/data-dir-id.ts). */
  dataDirId?: string;
}

export interface Daemon {
  app: Koa;
  cache: ResponseCache;
  router: ModelRouter;
  /** Binds the port (0 = any free one). Only hosts call this. */
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Stops accepting, waits up to `drainMs` for requests under way, then closes every connection. */
  close(drainMs?: number): Promise<void>;
}

export function createDaemon(deps: DaemonDeps): Daemon {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const timeouts = {
    headersTimeoutMs: Math.round(config.upstreamTimeoutSeconds * 1000),
    idleTimeoutMs: Math.round(config.upstreamIdleTimeoutSeconds * 1000),
  };
  const upstream = createUpstreamClient({ baseUrl: config.upstream, ...timeouts });
  const stopping = new AbortController();
  // Every request under way listens for the stop, so this one signal has as many listeners as the
  // daemon has requests: Node's leak warning (past 10) would be a false alarm.
  setMaxListeners(0, stopping.signal);
  const inFlight = new InFlight();
  const px: ProxyContext = {
    upstream,
    router: new ModelRouter({
      file: deps.routingFile ?? null,
      upstream,
      timeouts,
      env: deps.env ?? process.env,
      logger,
      now,
    }),
    cache: new ResponseCache({
      maxEntries: config.cacheSize,
      maxBytes: config.cacheMaxBytes,
      ttlMs: config.cacheTtlSeconds * 1000,
      now,
    }),
    limiter: new Limiter(config.workers, Math.round(config.queueTimeoutSeconds * 1000)),
    flights: new Map(),
    recorder: deps.recorder ?? nullRecorder,
    logger,
    now,
    bodyLimitBytes: config.bodyLimitBytes,
    stopping: stopping.signal,
    ...(deps.quota ? { quota: deps.quota } : {}),
    ...(deps.admit ? { admit: deps.admit } : {}),
  };
  let server: Server | undefined;
  let boundPort = config.port;
  let boundUrl = `http://127.0.0.1:${config.port}`;
  const extraHosts = new Set(deps.allowedHosts ?? []);
  const upgrades = (deps.upgrades ?? []).map((make) =>
    make({ logger, ...(deps.token ? { token: deps.token } : {}), url: () => boundUrl, port: () => boundPort }),
  );
  const app = new Koa();
  app.on('error', appErrorListener(logger));
  app.use(errorHandler(logger));
  app.use(guard(extraHosts));
  app.use(adminGuard(deps.token));
  for (const router of [
    healthRouter({
      startedAt: now(), now, port: () => boundPort, upstream: config.upstream, limiter: px.limiter, options: config,
      ...(deps.dataDirId ? { dataDirId: deps.dataDirId } : {}),
    }),
    cacheRouter(px.cache, px.limiter, logger),
    routingRouter(px.router),
    ...(deps.routers ?? []).map((make) => make({ cache: px.cache, limiter: px.limiter, inFlight: () => inFlight.size })),
  ]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  app.use(proxyRoutes(px, inFlight));
  if (deps.uiDir) app.use(uiMiddleware(deps.uiDir));
  app.use(notFound);

  return {
    app,
    cache: px.cache,
    router: px.router,
    async listen(port, host) {
      // requireHostHeader off: the guard answers a missing Host itself, Anthropic-shaped, not Node's empty 400.
      server = createServer({ requireHostHeader: false }, app.callback());
      server.on('clientError', clientErrorHandler(logger, maxHeaderSize));
      server.on('upgrade', upgradeDispatcher(upgrades, extraHosts));
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      boundPort = (server.address() as AddressInfo).port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      boundUrl = dialableUrl(host, boundPort);
      return { port: boundPort, url: `http://${shownHost}:${boundPort}` };
    },
    async close(drainMs = config.drainTimeoutSeconds * 1000) {
      await Promise.all(upgrades.map((route) => route.close()));
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await inFlight.idle(drainMs);
        // What is still under way is ended in a form clients retry (529, or an overloaded_error event)
        // and recorded as such; the short wait lets those last writes and records go out.
        stopping.abort();
        await inFlight.idle(ENDING_GRACE_MS);
        server.closeAllConnections();
        await closed;
      }
      await px.router.close();
      await px.upstream.close();
    },
  };
}

/** After the drain, how long ended requests get to write their last bytes and records. */
const ENDING_GRACE_MS = 1000;

/** The address local programs (Claude Code in a terminal) dial: a wildcard bind is reached through loopback. */
function dialableUrl(host: string, port: number): string {
  const dial = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${dial.includes(':') ? `[${dial}]` : dial}:${port}`;
}

function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const httpError = error instanceof HttpError ? error : new HttpError(500, 'Internal proxy error');
      if (isClientGone(error)) {
        logger.debug(`Client went away during ${ctx.method} ${ctx.path}`); // an aborted upload, a closed tab
        ctx.res.destroy();
        return;
      }
      if (!(error instanceof HttpError)) logger.error(`Unhandled error on ${ctx.method} ${ctx.path}: ${(error as Error).stack}`);
      if (ctx.res.headersSent || !ctx.res.writable) {
        ctx.res.destroy();
        return;
      }
      ctx.respond = true;
      ctx.status = httpError.status;
      ctx.type = 'application/json';
      ctx.body = httpError.body();
      if (httpError.status === 413) ctx.set('connection', 'close');
    }
  };
}

function guard(extraHosts: ReadonlySet<string>) {
  return async (ctx: Context, next: Next) => {
    const reason = refuseForeignRequest(ctx.req, extraHosts);
    if (reason) throw new HttpError(403, `${reason}: the daemon only answers local clients`, 'permission_error');
    await next();
  };
}

function adminGuard(token: string | undefined) {
  return async (ctx: Context, next: Next) => {
    const path = normalisePath(ctx.path);
    if (path === null) throw new HttpError(400, 'The request path is not valid percent-encoding');
    const reason = refuseAdminRequest(ctx.req, path, token);
    if (reason) throw new HttpError(403, reason, 'permission_error');
    await next();
  };
}

function proxyRoutes(px: ProxyContext, inFlight: InFlight) {
  const messages = messagesHandler(px);
  const passthrough = passthroughHandler(px);
  return async (ctx: Context, next: Next) => {
    if (ctx.method === 'HEAD' && ctx.path === '/') {
      ctx.status = 200; // Claude Code preconnects with HEAD /.
      return;
    }
    if (!ctx.path.startsWith('/v1/')) return next();
    await inFlight.track(() =>
      ctx.path === '/v1/messages' && ctx.method === 'POST' ? messages(ctx) : passthrough(ctx),
    );
  };
}

async function notFound(ctx: Context) {
  if (ctx.method === 'GET' && ctx.path === '/') {
    ctx.type = 'text/plain';
    ctx.body = 'CCO daemon is running. Point Claude Code at this address (ANTHROPIC_BASE_URL) or run `cco`.\n';
    return;
  }
  throw new HttpError(404, `No route for ${ctx.method} ${ctx.path}`);
}
