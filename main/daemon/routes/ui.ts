import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';

/** The production build of `renderer/` (scripts/build-renderer.mjs), beside this compiled file's tree. */
export function defaultUiDir(): string {
  return fileURLToPath(new URL('../../../renderer/', import.meta.url));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function policy(styleSrc: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src ${styleSrc}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Nothing but the daemon's own files: no inline script or style, no eval, no other origin. The
 * dashboard sets styles only through the CSSOM (D3, the tooltip), which a CSP does not restrict.
 */
export const CONTENT_SECURITY_POLICY = policy("'self'");

/** The terminal page also allows inline styles: xterm.js writes its theme and cell sizes into `<style>` elements. */
export const TERMINAL_CONTENT_SECURITY_POLICY = policy("'self' 'unsafe-inline'");

/** Page routes: a clean URL maps to its HTML file. */
const PAGES: Record<string, string> = { '/': 'index.html', '/terminal': 'terminal.html', '/settings': 'settings.html' };

/** Serves the dashboard's static files with a strict CSP; falls through when a file is missing. */
export function uiMiddleware(dir: string) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const file = resolveFile(dir, ctx.path);
    const info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info?.isFile()) return next();
    ctx.set('content-security-policy', ctx.path === '/terminal' ? TERMINAL_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    // HTML always revalidates (it names the current bundles); bundles are small, so no long-lived caching either.
    ctx.set('cache-control', 'no-cache');
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.length = info.size;
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
  };
}

function resolveFile(dir: string, path: string): string | null {
  const page = PAGES[path];
  if (page) return join(dir, page);
  if (path.endsWith('/') || path.includes('\0')) return null;
  const relative = normalize(decodeURIComponentSafe(path)).replace(/^[/\\]+/, '');
  if (relative.startsWith('..') || relative.split(sep).includes('..')) return null;
  if (!TYPES[extname(relative)] || extname(relative) === '.html') return null;
  return join(dir, relative);
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '\0';
  }
}
