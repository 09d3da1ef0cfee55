// Model routing: where each model goes, each provider's health, and a broken model-routing.json.
import type { RoutingResponse } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { formatAgo } from '../format.js';

type Provider = RoutingResponse['providers'][number];

function providerHealth(p: Provider, now: number): HTMLElement {
  const { health } = p;
  const lastOk = health.lastSuccessAt ? Date.parse(health.lastSuccessAt) : null;
  const lastBad = health.lastErrorAt ? Date.parse(health.lastErrorAt) : null;
  const failing = lastBad !== null && (lastOk === null || lastBad > lastOk);
  const text = health.requests === 0
    ? 'no requests yet'
    : failing
      ? `error ${formatAgo(lastBad, now)}: ${health.lastError ?? 'unknown'}`
      : `ok ${formatAgo(lastOk, now)}`;
  return h('span', { class: `badge ${failing ? 'c-miss' : health.requests === 0 ? 'c-bypass' : 'c-hit'}`, title: `${health.requests} requests, ${health.errors} errors` }, text);
}

function target(provider: string, model: string | null): string {
  return model ? `${provider} → ${model}` : provider;
}

function conditions(when: RoutingResponse['routes'][number]['when']): string {
  const parts: string[] = [];
  if (when.stream !== undefined) parts.push(when.stream ? 'streaming' : 'not streaming');
  if (when.thinking !== undefined) parts.push(when.thinking ? 'with thinking' : 'without thinking');
  if (when.promptTokensOver !== undefined) parts.push(`prompt > ${when.promptTokensOver} tokens`);
  return parts.join(', ');
}

export function routingPanel() {
  return {
    update(routing: RoutingResponse, now: number = Date.now()) {
      const error = routing.error
        ? h('p', { id: 'routing-error', class: 'message error', role: 'alert' }, `model-routing.json is invalid (the previous routes stay in force): ${routing.error.message}`)
        : null;
      const noFile = routing.file === null || routing.fileFound === false;
      const routes = noFile
        ? h('p', { class: 'muted', id: 'routing-none' },
          `No model-routing.json${routing.file ? ` (looked for ${routing.file})` : ''}: every model goes to ${routing.default}.`)
        : routing.routes.length === 0
        ? h('p', { class: 'muted', id: 'routing-none' }, `model-routing.json has no routes: every model goes to ${routing.default}.`)
        : h(
            'table',
            { class: 'table', id: 'routes' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Model'), h('th', {}, 'Goes to'), h('th', {}, 'Fallback'))),
            h(
              'tbody',
              {},
              ...routing.routes.map((r) =>
                h(
                  'tr',
                  {},
                  h('td', {}, r.match.join(', '), conditions(r.when) ? h('div', { class: 'muted' }, conditions(r.when)) : null),
                  h('td', {}, target(r.provider, r.model)),
                  h('td', {}, r.fallback.map((f) => target(f.provider, f.model)).join(', ') || '—'),
                ),
              ),
              h('tr', {}, h('td', { class: 'muted' }, 'anything else'), h('td', {}, routing.default), h('td', {}, '—')),
            ),
          );
      const providers = h(
        'table',
        { class: 'table', id: 'providers' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Provider'), h('th', {}, 'Type'), h('th', {}, 'Health'))),
        h('tbody', {}, ...routing.providers.map((p) => h('tr', { 'data-provider': p.name }, h('td', { title: p.baseUrl }, p.name), h('td', {}, p.type), h('td', {}, providerHealth(p, now))))),
      );
      fill(byId('routing'), error, h('div', { class: 'table-wrap' }, routes), h('div', { class: 'table-wrap' }, providers));
    },
  };
}
