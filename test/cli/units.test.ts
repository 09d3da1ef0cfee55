import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { withCcoHeaders, claudeEnv } from '../../main/common/claude-env.js';
import { findClaude } from '../../main/common/find-claude.js';
import { parseLaunchArgs } from '../../main/cli/launch-args.js';
import { tryLock } from '../../main/cli/lock.js';
import { lastLines } from '../../main/cli/tail.js';
import { formatBytes } from '../../main/common/format.js';
import { formatDuration } from '../../main/cli/format.js';
import { cacheLine } from '../../main/cli/status.js';
import { looksLikeForegroundDaemon } from '../../main/common/processes.js';
import { quoteForCmd } from '../../main/cli/run-child.js';

const scratch = mkdtempSync(join(tmpdir(), 'cco-cli-unit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('parseLaunchArgs', () => {
  it('consumes only leading cco options', () => {
    assert.deepEqual(parseLaunchArgs(['-p', 'hi', '--port', '4000']), {
      noDaemon: false,
      help: false,
      version: false,
      claudeArgs: ['-p', 'hi', '--port', '4000'],
    });
    const parsed = parseLaunchArgs(['--port', '4000', '--no-daemon', '--model', 'x']);
    assert.equal(parsed.port, '4000');
    assert.equal(parsed.noDaemon, true);
    assert.deepEqual(parsed.claudeArgs, ['--model', 'x']);
    assert.equal(parseLaunchArgs(['--port=5']).port, '5');
  });

  it('stops at -- and drops it', () => {
    const parsed = parseLaunchArgs(['--no-daemon', '--', '--help', '--']);
    assert.equal(parsed.help, false);
    assert.deepEqual(parsed.claudeArgs, ['--help', '--']);
  });

  it('rejects --port without a value', () => {
    assert.throws(() => parseLaunchArgs(['--port']), /needs a value/);
  });
});

describe('ANTHROPIC_CUSTOM_HEADERS', () => {
  it('adds the X-CCO lines, keeps the user\'s, replaces older X-CCO lines', () => {
    assert.equal(withCcoHeaders(undefined, '/p', 's'), 'X-CCO-Project: /p\nX-CCO-Session: s');
    assert.equal(
      withCcoHeaders('A: 1\r\nx-cco-session: old\n\nB: 2', '/p', 's'),
      'A: 1\nB: 2\nX-CCO-Project: /p\nX-CCO-Session: s',
    );
  });

  it('cannot be split into extra headers by a path with a line break', () => {
    assert.equal(withCcoHeaders('', '/a\nEvil: 1', 's'), 'X-CCO-Project: /a Evil: 1\nX-CCO-Session: s');
  });

  it('leaves credentials alone', () => {
    const env = claudeEnv(
      { ANTHROPIC_API_KEY: 'k', ANTHROPIC_AUTH_TOKEN: 't', KEEP: 'yes', GONE: undefined },
      { url: 'http://127.0.0.1:1', port: 1, project: '/p', sessionId: 's', version: '1.0.0' },
    );
    assert.equal(env.ANTHROPIC_API_KEY, 'k');
    assert.equal(env.ANTHROPIC_AUTH_TOKEN, 't');
    assert.equal(env.KEEP, 'yes');
    assert.equal('GONE' in env, false);
    assert.equal(env.ORCHESTRATOR_PORT, '1');
  });
});

describe('findClaude', () => {
  it('prefers claude over claude-code anywhere on PATH', () => {
    const present = new Set(['/a/claude-code', '/b/claude']);
    const found = findClaude({ PATH: '/a:/b' }, { platform: 'linux', isExecutable: (p) => present.has(p) });
    assert.deepEqual(found, { found: true, path: '/b/claude' });
  });

  it('honours PATHEXT on Windows', () => {
    const present = new Set([join('C:\\npm', 'claude.cmd')]);
    const found = findClaude({ Path: 'C:\\npm', PATHEXT: '.EXE;.CMD' }, { platform: 'win32', isExecutable: (p) => present.has(p) });
    assert.deepEqual(found, { found: true, path: join('C:\\npm', 'claude.cmd') });
  });

  it('lists the directories searched when nothing is found, and uses CCO_CLAUDE_PATH alone when set', () => {
    assert.deepEqual(findClaude({ PATH: '/x:/y' }, { platform: 'linux', isExecutable: () => false }), { found: false, dirs: ['/x', '/y'] });
    assert.deepEqual(findClaude({ PATH: '/x', CCO_CLAUDE_PATH: '/opt/c' }, { platform: 'linux', isExecutable: () => false }), {
      found: false,
      override: '/opt/c',
    });
  });
});

describe('start-up lock', () => {
  it('is exclusive, released only by its holder, and taken over when its holder is dead', () => {
    const path = join(scratch, 'a.lock');
    const first = tryLock(path, { staleMs: 60_000 });
    assert.ok(first);
    assert.equal(tryLock(path, { staleMs: 60_000 }), null);
    first.release();
    const second = tryLock(path, { staleMs: 60_000 });
    assert.ok(second);
    first.release();
    assert.ok(readFileSync(path, 'utf8').startsWith(`${process.pid} `), 'a stale handle does not remove a newer lock');
    second.release();

    writeFileSync(path, '999999999 dead\n');
    const third = tryLock(path, { staleMs: 60_000, alive: () => false });
    assert.ok(third, 'a dead holder\'s lock is broken');
    third.release();
  });

  it('treats an old lock as stale even if its pid is alive, but not a young empty one', () => {
    const path = join(scratch, 'b.lock');
    writeFileSync(path, '');
    assert.equal(tryLock(path, { staleMs: 60_000, alive: () => false }), null, 'creator has not written its pid yet');
    writeFileSync(path, `${process.pid} x\n`);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(path, old, old);
    const lock = tryLock(path, { staleMs: 60_000 });
    assert.ok(lock);
    lock.release();
  });
});

describe('lastLines', () => {
  it('returns the last n lines, across chunk boundaries and multi-byte characters', () => {
    const path = join(scratch, 'log.txt');
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(i % 40)}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    assert.deepEqual(lastLines(path, 3), lines.slice(-3));
    assert.deepEqual(lastLines(path, 2000), lines.slice(-2000));
    assert.deepEqual(lastLines(path, 0), []);
  });

  it('handles a last line without a newline and a short file', () => {
    const path = join(scratch, 'short.txt');
    writeFileSync(path, 'a\nb');
    assert.deepEqual(lastLines(path, 5), ['a', 'b']);
  });
});

describe('formatting', () => {
  it('summarises the cache on one line', () => {
    assert.equal(cacheLine({ size: 12, bytes: 3.4 * 1024 * 1024, hitRate: 0.42 }), 'Cache: 12 entries, 3.4 MiB, hit rate 42%');
    assert.equal(cacheLine(null), 'Cache: statistics unavailable');
  });

  it('formats sizes and durations', () => {
    assert.equal(formatBytes(512, ' '), '512 B');
    assert.equal(formatBytes(1536, ' '), '1.5 KiB');
    assert.equal(formatDuration(3725), '1h 2m 5s');
    assert.equal(formatDuration(59), '59s');
  });
});

describe('recognising a hung daemon by its command line', () => {
  it('matches only the foreground daemon for the same port', () => {
    const argv = ['/usr/bin/node', '/opt/cco/bin/cco.js', 'daemon', 'start', '--foreground', '--port', '3000'];
    assert.equal(looksLikeForegroundDaemon(argv, 3000), true);
    assert.equal(looksLikeForegroundDaemon(argv, 3001), false);
    assert.equal(looksLikeForegroundDaemon(['/usr/bin/vim', 'cco.js'], 3000), false);
  });
});

describe('cmd.exe quoting for .cmd shims', () => {
  it('quotes and escapes metacharacters, twice for shims', () => {
    assert.equal(quoteForCmd('a b', false), '^"a^ b^"');
    assert.equal(quoteForCmd('say "hi" & exit', false), '^"say^ \\^"hi\\^"^ ^&^ exit^"');
    assert.equal(quoteForCmd('x', true), '^^^"x^^^"');
  });
});

describe('data directory errors', () => {
  it('a read-only file system is named as such, not given chmod advice', async () => {
    const { dataDirError } = await import('../../main/cli/preflight.js');
    const error = dataDirError('/mnt/ro/cco', 'EROFS');
    assert.match(error.message, /read-only file system: \/mnt\/ro\/cco/);
    assert.doesNotMatch([error.message, ...error.details].join('\n'), /chmod|chown/);
  });
});
