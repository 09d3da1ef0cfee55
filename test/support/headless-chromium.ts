import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The project's launch flags for Debian's chromium (DEVELOPERS guide): no sandbox, no network chatter. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--component-updater=url-source=http://127.0.0.1:9/,disable-pings',
];

/** Why the browser tests cannot run here, or false when they can. */
export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM_PATH) ? false : `${CHROMIUM_PATH} is not installed (apt-get install -y chromium; .ci/run does it)`;
}

function assertChromium(): void {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
}

export interface HeadlessChromium {
  browser: Browser;
  close(): Promise<void>;
}

/** One browser per test file; Playwright gives each launch a fresh profile directory of its own. */
export async function launchChromium(): Promise<HeadlessChromium> {
  assertChromium();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  return { browser, close: () => browser.close() };
}

export interface HeadlessBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context (its own profile directory, deleted afterwards): storage survives reloads as in a real tab. */
export async function launchChromiumContext(viewport = { width: 1100, height: 640 }): Promise<HeadlessBrowser> {
  assertChromium();
  const profile = mkdtempSync(join(tmpdir(), 'cco-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const SCREENSHOT_DIR = 'test-output/screenshots';

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}

export type { Browser, BrowserContext };
