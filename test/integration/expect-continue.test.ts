import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { TEST_KEY, userMessage } from '../support/clients.js';
import { startTestDaemon } from '../support/daemon.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';

let fake: FakeAnthropic;

before(async () => {
  fake = await startFakeAnthropic();
});
after(async () => {
  await fake.close();
});

const headers = { 'x-api-key': TEST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };

test('Expect: 100-continue gets 100 Continue, and the header never reaches the upstream', async () => {
  const cco = await startTestDaemon(fake.url);
  try {
    const body = JSON.stringify(userMessage('expect continue'));
    const answer = await new Promise<{ status: number; continued: boolean; text: string }>((resolve, reject) => {
      let continued = false;
      const req = http.request(`${cco.url}/v1/messages`, {
        method: 'POST',
        headers: { ...headers, expect: '100-continue', 'content-length': Buffer.byteLength(body) },
      });
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('response', (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, continued, text: Buffer.concat(parts).toString() }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(answer.continued, true, 'the client got 100 Continue');
    assert.equal(answer.status, 200, answer.text);
    const seen = fake.requests.find((r) => JSON.stringify(r.json).includes('expect continue'));
    assert.ok(seen);
    assert.equal(seen.headers.expect, undefined);
  } finally {
    await cco.close();
  }
});
