import type { FallbackTarget, ProviderConfig, RouteConfig, RoutingConfig } from './config.js';

/** What a request looks like to the router; all of it is read without parsing more than the body already was. */
export interface RouteQuery {
  model: string;
  stream: boolean;
  thinking: boolean;
  /** Estimated prompt size (see estimatePromptTokens). */
  promptTokens: number;
}

export interface Target {
  provider: ProviderConfig;
  model: string;
}

export interface RouteDecision extends Target {
  /** Index of the route that matched, or null for the default. */
  route: number | null;
  /** Tried in order when the provider answers 429 or 5xx, or cannot be reached. */
  fallbacks: Target[];
}

/**
 * About four bytes of request body per token: cheap enough for every request, and close enough
 * to decide "is this prompt big". Tool schemas and system prompts count, as they do upstream.
 */
export function estimatePromptTokens(bodyBytes: number): number {
  return Math.ceil(bodyBytes / 4);
}

/** Whether the request asks for extended thinking (`thinking: {type: "enabled" | "adaptive"}`). */
export function wantsThinking(body: { thinking?: unknown }): boolean {
  const thinking = body.thinking;
  if (typeof thinking !== 'object' || thinking === null) return false;
  const type = (thinking as { type?: unknown }).type;
  return type !== undefined && type !== 'disabled';
}

/** The fields a route matches on; a parsed body has them, and so do a scanned request's key fields. */
export function queryOf(body: { model?: unknown; stream?: unknown; thinking?: unknown }, bodyBytes: number): RouteQuery {
  return {
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    thinking: wantsThinking(body),
    promptTokens: estimatePromptTokens(bodyBytes),
  };
}

const globCache = new Map<string, RegExp>();

/** `*` is any run of characters, `?` one character; case-insensitive, anchored at both ends. */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'i');
    globCache.set(glob, re);
  }
  return re;
}

function routeMatches(route: RouteConfig, q: RouteQuery): boolean {
  if (!route.match.some((glob) => globToRegExp(glob).test(q.model))) return false;
  const { stream, thinking, promptTokensOver } = route.when;
  if (stream !== undefined && stream !== q.stream) return false;
  if (thinking !== undefined && thinking !== q.thinking) return false;
  if (promptTokensOver !== undefined && !(q.promptTokens > promptTokensOver)) return false;
  return true;
}

function target(config: RoutingConfig, t: FallbackTarget, requested: string): Target {
  return { provider: config.providers[t.provider]!, model: t.model ?? requested };
}

/** First matching route wins; none matching means the default provider with the requested model. */
export function decideRoute(config: RoutingConfig, q: RouteQuery): RouteDecision {
  const index = config.routes.findIndex((route) => routeMatches(route, q));
  const route = config.routes[index];
  // Spelled out rather than spread: this runs on every request, and `{ ...a, b }` is slow in V8.
  if (!route) return { provider: config.providers[config.default]!, model: q.model, route: null, fallbacks: [] };
  return {
    provider: config.providers[route.provider]!,
    model: route.model ?? q.model,
    route: index,
    fallbacks: route.fallback.map((f) => target(config, f, q.model)),
  };
}
