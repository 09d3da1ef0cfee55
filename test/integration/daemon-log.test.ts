import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Router from '@koa/router';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { createDaemon, type Daemon } from '../../main/daemon/app.js';
import { createLogger } from '../../main/daemon/log.js';
import { rawPost, TEST_KEY } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

/** A host route whose body stream fails halfway, as a file read can: Koa reports it on its `error` event. */
function brokenStreamRouter(): Router {
  const router = new Router();
  router.get('/broken-stream', (ctx) => {
    const body = new Readable({ read() {} });
    body.push('partial');
    setImmediate(() => body.destroy(Object.assign(new Error('disk went away'), { code: 'EIO' })));
    ctx.type = 'text/plain';
    ctx.body = body;
  });
  return router;
}

/** The daemon with the host's real logger (log4js, a file, every line through its formatting). */
let dir: string;
let logFile: string;
let fake: FakeAnthropic;
let daemon: Daemon;
let deadDaemon: Daemon;
let url: string;
let deadUrl: string;
let port: number;
let shutdownLog: () => Promise<void>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cco-log-test-'));
  logFile = join(dir, 'daemon.log');
  const log = createLogger({ file: logFile, level: 'debug', console: false });
  shutdownLog = log.shutdown;
  fake = await startFakeAnthropic();
  daemon = createDaemon({
    config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }),
    logger: log.logger,
    routers: [brokenStreamRouter],
  });
  ({ url, port } = await daemon.listen(0, '127.0.0.1'));
  // An upstream nobody listens on (port 9, discard): every call is a 502 "unreachable".
  deadDaemon = createDaemon({ config: applyConfig(defaultConfig(), { port: 0, upstream: 'http://127.0.0.1:9' }), logger: log.logger });
  ({ url: deadUrl } = await deadDaemon.listen(0, '127.0.0.1'));
});
after(async () => {
  await daemon.close(0);
  await deadDaemon.close(0);
  await fake.close();
  await shutdownLog();
  rmSync(dir, { recursive: true, force: true });
});

function logText(): string {
  try {
    return readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
}

async function logLineMatching(pattern: RegExp, message: string): Promise<string> {
  await waitFor(() => pattern.test(logText()), { message, timeoutMs: 5000 });
  return logText().split('\n').find((line) => pattern.test(line))!;
}

const LINE_START = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\S* (DEBUG|INFO|WARN|ERROR) /;

function messageBody(model: string, text = 'hello'): string {
  return JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: text }] });
}

const headers = { 'content-type': 'application/json', 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' };

/** Writes raw bytes on a fresh connection and returns everything the daemon answered. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function jsonErrorOf(answer: string): { status: number; type: string; errorType: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { type: string; error: { type: string } };
  return { status, type: body.type, errorType: body.error.type };
}

describe('the daemon log', () => {
  it('escapes control characters from requests, so a model name cannot forge a line', async () => {
    const forged = 'x\n2026-01-01T00:00:00.000 ERROR forged line\r\u001b[2J';
    const res = await rawPost(`${url}/v1/messages`, messageBody(forged), headers);
    await res.arrayBuffer();
    await logLineMatching(/forged line/, 'the request line with the model');
    for (const line of logText().split('\n').filter((l) => l !== '')) {
      assert.match(line, LINE_START, `every line is a record of its own: ${JSON.stringify(line)}`);
    }
    assert.match(logText(), /x\\n2026-01-01T00:00:00\.000 ERROR forged line\\r\\u001b\[2J/);
  });

  it('logs an upstream 401 once at warn, with status, type and host, never the key', async () => {
    const res = await rawPost(`${url}/v1/messages`, messageBody('claude-x', 'ERROR:401 please'), headers);
    assert.equal(res.status, 401);
    await res.arrayBuffer();
    const host = new URL(fake.url).host;
    const line = await logLineMatching(/WARN .*401/, 'the warn line of the 401');
    assert.match(line, new RegExp(`401 authentication_error from ${host.replace(/\./g, '\\.')}`));
    assert.equal(logText().split('\n').filter((l) => / WARN .*401 authentication_error/.test(l)).length, 1, 'once');
    assert.doesNotMatch(logText(), new RegExp(TEST_KEY), 'the key is never logged');
  });

  it('logs an unreachable upstream at warn, for messages and pass-through alike', async () => {
    const res = await rawPost(`${deadUrl}/v1/messages`, messageBody('claude-x'), headers);
    assert.equal(res.status, 502);
    await res.arrayBuffer();
    await logLineMatching(/ WARN .*502 api_error from 127\.0\.0\.1:9 \(POST \/v1\/messages/, 'the 502 of messages');
    const models = await fetch(`${deadUrl}/v1/models`, { headers: { 'x-api-key': TEST_KEY } });
    assert.equal(models.status, 502);
    await models.arrayBuffer();
    await logLineMatching(/ WARN .*502 api_error from 127\.0\.0\.1:9 \(GET \/v1\/models/, 'the 502 of models');
  });

  it('logs a client that aborts its upload at debug, without an error or a stack', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"mo`);
    await new Promise((resolve) => setImmediate(resolve));
    socket.destroy();
    await logLineMatching(/DEBUG Client went away during POST \/v1\/messages/, 'the debug line of the abort');
    assert.doesNotMatch(logText(), /^\S+ ERROR /m, 'no error line');
    assert.doesNotMatch(logText(), /\n\s+at /, 'no stack');
  });
});

describe('errors Koa reports', () => {
  it('are one warn line in the log, never a bare stack', async () => {
    await fetch(`${url}/broken-stream`).then((res) => res.text()).catch(() => undefined);
    const line = await logLineMatching(/WARN .*disk went away/, 'the warn line of the failed stream');
    assert.match(line, /GET \/broken-stream/);
    assert.doesNotMatch(logText(), /\n\s+at /, 'no stack');
  });
});

describe('requests Node\'s HTTP parser refuses get an Anthropic-shaped answer', () => {
  it('an unknown method', async () => {
    const answer = jsonErrorOf(await rawExchange('FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    assert.deepEqual(answer, { status: 400, type: 'error', errorType: 'invalid_request_error' });
  });

  it('a bad Content-Length', async () => {
    const answer = jsonErrorOf(await rawExchange('POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n'));
    assert.deepEqual(answer, { status: 400, type: 'error', errorType: 'invalid_request_error' });
  });

  it('headers over the limit', async () => {
    const answer = jsonErrorOf(await rawExchange(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    assert.deepEqual(answer, { status: 431, type: 'error', errorType: 'invalid_request_error' });
  });

  it('a missing Host', async () => {
    const raw = await rawExchange('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
    const answer = jsonErrorOf(raw);
    assert.equal(answer.type, 'error');
    assert.match(raw, /Missing Host header/);
  });
});
