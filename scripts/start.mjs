#!/usr/bin/env node
// `npm start`: the tray app where Electron's binary and a display exist; otherwise one line saying
// why, then the daemon in the foreground (its dashboard URL is printed), so `npm start` always
// runs CCO. The decision itself is main/app/launch-choice.ts (tested); this file only acts on it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { chooseLaunch, fallbackLine } = await import(`${root}/dist/main/app/launch-choice.js`);

function electronPath() {
  try {
    // The `electron` package exports its binary's path, and throws when the binary was never downloaded.
    return { path: createRequire(import.meta.url)('electron') };
  } catch (error) {
    return { error: error.message };
  }
}

const args = process.argv.slice(2);
const choice = chooseLaunch({ platform: process.platform, env: process.env, electron: electronPath(), exists: existsSync });
if (choice.mode === 'app') {
  const child = spawn(choice.electron, [root, ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
} else {
  console.log(fallbackLine(choice.reason));
  const { main } = await import(`${root}/dist/main/cli/index.js`);
  process.exitCode = await main(['daemon', 'start', '--foreground', ...args]);
}
