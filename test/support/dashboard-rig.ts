// What every dashboard test starts: the fake upstream, a real daemon on an ephemeral port with a
// data directory of its own, the page's token and one headless Chromium; and pages opened at a
// width and colour scheme that collect console errors. Closed in the reverse order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { readOrCreateToken } from '../../main/common/token.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { type FakeAnthropic, startFakeAnthropic } from './fake-anthropic.js';
import { launchChromium, type HeadlessChromium } from './headless-chromium.js';

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions of the page, as they happen. */
  errors: string[];
  close(): Promise<void>;
}

export interface DashboardRig {
  fake: FakeAnthropic;
  daemon: RunningDaemon;
  dataDir: string;
  token: string;
  chromium: HeadlessChromium;
  /** A JSON answer of the daemon's API. */
  api<T>(path: string): Promise<T>;
  /** A page at `path` (default: the dashboard with the token), once it says it is ready. */
  open(width: number, scheme: 'light' | 'dark', path?: string): Promise<OpenedPage>;
  close(): Promise<void>;
}

export interface RigOptions {
  /** Claude Code's directory for the daemon's transcript import (none: an empty one of its own). */
  claudeDir?: string;
  /** Runs on the data directory before the daemon opens it (rows written through the store, say). */
  prepare?(dataDir: string): Promise<void>;
  height?: number;
}

export async function startDashboardRig(name: string, options: RigOptions = {}): Promise<DashboardRig> {
  const fake = await startFakeAnthropic();
  const dataDir = mkdtempSync(join(tmpdir(), `cco-${name}-`));
  await options.prepare?.(dataDir);
  const daemon = await runDaemonHost({
    config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false,
    ...(options.claudeDir === undefined ? {} : { claudeDir: options.claudeDir }),
  });
  const token = readOrCreateToken(dataDir);
  const chromium = await launchChromium();
  return {
    fake, daemon, dataDir, token, chromium,
    async api<T>(path: string): Promise<T> {
      return (await (await fetch(`${daemon.url}${path}`)).json()) as T;
    },
    async open(width, scheme, path = `/#token=${token}`) {
      const context = await chromium.browser.newContext({
        viewport: { width, height: options.height ?? 800 }, reducedMotion: 'reduce', colorScheme: scheme, acceptDownloads: true,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${daemon.url}${path}`);
      await page.locator('body[data-ready="true"]').waitFor();
      return { page, errors, close: () => context.close() };
    },
    async close() {
      await chromium.close();
      await daemon.close(0);
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
