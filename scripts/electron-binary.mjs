#!/usr/bin/env node
// Fetches Electron's binary for the desktop app, run by `npm install` (postinstall) and by
// `npm run electron:fetch`. Electron's own postinstall is denied in package.json's allowScripts
// because a failed download there makes npm roll back the whole install: the daemon and the `cco`
// command, which do not need Electron, would be lost with it. Here a failed download is one line,
// "desktop shell unavailable", and the install goes on. `--required` (electron:fetch) fails instead.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const required = process.argv.includes('--required');
const say = (line) => process.stderr.write(`${line}\n`);

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  say('Desktop shell: Electron binary not fetched (ELECTRON_SKIP_BINARY_DOWNLOAD is set).');
  process.exit(0);
}

let installer;
try {
  installer = createRequire(join(process.cwd(), 'package.json')).resolve('electron/install.js');
} catch {
  // No electron package (a production install, --omit=dev): nothing to fetch.
  process.exit(required ? 1 : 0);
}

// Electron's installer: skips when the binary is already there, else downloads (cached) and unpacks.
const run = spawnSync(process.execPath, [installer], {
  cwd: dirname(installer),
  env: process.env,
  encoding: 'utf8',
  stdio: ['ignore', 'inherit', 'pipe'],
  timeout: 10 * 60 * 1000,
});
if (run.status === 0) process.exit(0);

const output = `${run.stderr ?? ''}`.split('\n').map((l) => l.trim());
const reason = output.find((l) => /error|fail|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN|\d{3}/i.test(l)) ?? output.find(Boolean)
  ?? (run.error ? run.error.message : `exit code ${run.status}`);
say(
  `Desktop shell unavailable: Electron's binary could not be downloaded (${reason.slice(0, 200)}). ` +
    "The daemon and the cco command work without it; fetch it later with 'npm run electron:fetch'.",
);
process.exit(required ? 1 : 0);
