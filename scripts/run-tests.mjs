#!/usr/bin/env node
// Runs every compiled test file with Node's own test runner (the README's `npm test`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function* testFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* testFiles(path);
    else if (name.endsWith('.test.js')) yield path;
  }
}

const only = process.argv.slice(2);
const files = [...testFiles('dist/test')].filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('No test files found under dist/test (did the build run?)');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  // A daemon imports Claude Code's transcripts by default: tests never read the developer's own.
  env: { ...process.env, CLAUDE_CONFIG_DIR: process.env.CLAUDE_CONFIG_DIR ?? mkdtempSync(join(tmpdir(), 'cco-test-claude-')) },
});
process.exit(result.status ?? 1);
