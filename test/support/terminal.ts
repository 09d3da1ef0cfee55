import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Router from '@koa/router';
import WebSocket from 'ws';
import type { TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal.js';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { silentLogger } from '../../main/common/logger.js';
import { createDaemon, type Daemon } from '../../main/daemon/app.js';
import { terminalEndpoint, type TerminalEndpointOptions } from '../../main/daemon/terminal/endpoint.js';
import type { TerminalService } from '../../main/daemon/terminal/service.js';
import { waitFor } from './wait.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface TerminalDaemon {
  url: string;
  daemon: Daemon;
  service: TerminalService;
  close(): Promise<void>;
}

/**
 * What the terminal page reads besides its socket, with no usage store behind it: an event stream
 * that stays quiet, and a tab's cost of nothing. The terminal tests are not about cost
 * (terminal-cost.test.ts runs the whole daemon for that).
 */
function quietAnalytics(): Router {
  const router = new Router();
  router.get('/api/events', (ctx) => {
    ctx.respond = false;
    ctx.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    ctx.res.write(': quiet\n\n');
  });
  router.get('/api/launch/cost', (ctx) => {
    ctx.body = { session: String(ctx.query.session), requests: 0, costUsd: 0, savedUsd: 0, costEstimated: false, lastSeen: null };
  });
  return router;
}

/** The real daemon with its terminal endpoint, on an ephemeral loopback port. */
export async function startTerminalDaemon(options: Omit<TerminalEndpointOptions, 'version'> & { uiDir?: string }): Promise<TerminalDaemon> {
  const config = applyConfig(defaultConfig(), { port: 0, host: '127.0.0.1', upstream: 'http://127.0.0.1:9' });
  let service: TerminalService | undefined;
  const { uiDir, ...endpoint } = options;
  const daemon = createDaemon({
    config,
    logger: silentLogger,
    token: TEST_TOKEN,
    ...(uiDir ? { uiDir } : {}),
    routers: [quietAnalytics],
    upgrades: [terminalEndpoint({ ...endpoint, version: '0.0.0-test', onService: (s) => {
      service = s;
    } })],
  });
  const { url } = await daemon.listen(0, '127.0.0.1');
  return { url, daemon, service: service!, close: () => daemon.close(0) };
}

/**
 * A stand-in for Claude Code: prints what the terminal gave it (directory, proxy address, X-CCO
 * headers), then becomes an interactive shell so tests can type into it.
 */
export function stubClaudeScript(dir: string): string {
  const path = join(dir, 'claude');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'echo "stub-claude in $(pwd)"',
      'echo "BASE=$ANTHROPIC_BASE_URL"',
      'echo "$ANTHROPIC_CUSTOM_HEADERS"',
      'exec /bin/sh',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The environment a test daemon gives its sessions: a plain sh with a fixed prompt. */
export function sessionEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: tmpdir(), SHELL: '/bin/sh', PS1: '$ ', LANG: 'C.UTF-8', ...extra };
}

/** A page's side of one terminal socket, as a test drives it. */
export class TerminalClient {
  readonly messages: TerminalServerMessage[] = [];
  /** Every output frame, each decoded on its own. */
  output = '';
  /** Frames that were not valid UTF-8 by themselves (a character cut between two frames). */
  badFrames = 0;
  receivedBytes = 0;
  ackedBytes = 0;
  autoAck: boolean;
  closed: { code: number; reason: string } | null = null;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  private constructor(readonly ws: WebSocket, autoAck: boolean) {
    this.autoAck = autoAck;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const bytes = data as Buffer;
        try {
          this.output += this.decoder.decode(bytes);
        } catch {
          this.badFrames++;
          this.output += bytes.toString();
        }
        this.receivedBytes += bytes.length;
        if (this.autoAck) this.ackAll();
      } else {
        this.messages.push(JSON.parse(data.toString()) as TerminalServerMessage);
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static async connect(baseUrl: string, options: { token?: string; autoAck?: boolean } = {}): Promise<TerminalClient> {
    const ws = new WebSocket(terminalUrl(baseUrl, options.token ?? TEST_TOKEN));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new TerminalClient(ws, options.autoAck ?? true);
  }

  send(message: TerminalClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  type(text: string): void {
    this.send({ type: 'input', data: text });
  }

  ackAll(): void {
    const bytes = this.receivedBytes - this.ackedBytes;
    if (bytes <= 0) return;
    this.ackedBytes += bytes;
    this.send({ type: 'ack', bytes });
  }

  async message<T extends TerminalServerMessage['type']>(type: T): Promise<Extract<TerminalServerMessage, { type: T }>> {
    await waitFor(() => this.messages.some((m) => m.type === type), { message: `a "${type}" message (got ${JSON.stringify(this.messages)})` });
    return this.messages.find((m) => m.type === type) as Extract<TerminalServerMessage, { type: T }>;
  }

  async sees(text: string, timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.output.includes(text), { timeoutMs, message: `output containing ${JSON.stringify(text)}; got ${JSON.stringify(this.output.slice(-400))}` });
  }

  async open(cwd?: string): Promise<Extract<TerminalServerMessage, { type: 'ready' }>> {
    this.send({ type: 'open', cols: 100, rows: 30, ...(cwd === undefined ? {} : { cwd }) });
    return this.message('ready');
  }

  async waitClosed(): Promise<{ code: number; reason: string }> {
    await waitFor(() => this.closed !== null, { message: 'the socket to close' });
    return this.closed!;
  }

  end(): void {
    this.ws.close();
  }
}

export function terminalUrl(baseUrl: string, token: string | null): string {
  const url = new URL('/api/terminal', baseUrl.replace(/^http/, 'ws'));
  if (token !== null) url.searchParams.set('token', token);
  return url.toString();
}

/** The HTTP status an upgrade request is refused with (0 if it was accepted). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? -1);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      resolve(0);
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/** True while a process with this pid exists (and is not a reaped zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
