import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Message, SseEvent } from '../../main/daemon/anthropic/types.js';
import { MessageAccumulator } from '../../main/daemon/anthropic/accumulate.js';
import { messageToSse } from '../../main/daemon/anthropic/replay.js';
import { formatSse, SseParser } from '../../main/daemon/anthropic/sse.js';

/** A stream as the Messages API sends it: thinking, text with multi-byte characters, a tool call in pieces, pings. */
function apiStream(): string {
  const ev = formatSse;
  return [
    ev('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-opus-4-8', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 42, output_tokens: 1, cache_creation_input_tokens: 7, cache_read_input_tokens: 100 } } }),
    ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me look ' } }),
    ev('ping', { type: 'ping' }),
    ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'at the file.' } }),
    ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig==' } }),
    ev('content_block_stop', { type: 'content_block_stop', index: 0 }),
    ev('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
    ev('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Reading — ' } }),
    ev('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'naïve 日本語 🚀' } }),
    ev('content_block_stop', { type: 'content_block_stop', index: 1 }),
    ev('content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} } }),
    ev('content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } }),
    ev('content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"file_path": "/tmp/' } }),
    ev('content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'a.txt", "limit": 10}' } }),
    ev('content_block_stop', { type: 'content_block_stop', index: 2 }),
    ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 57, input_tokens: null } }),
    ev('message_stop', { type: 'message_stop' }),
  ].join('');
}

const EXPECTED: Message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-opus-4-8',
  content: [
    { type: 'thinking', thinking: 'Let me look at the file.', signature: 'sig==' },
    { type: 'text', text: 'Reading — naïve 日本語 🚀' },
    { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: '/tmp/a.txt', limit: 10 } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 42, output_tokens: 57, cache_creation_input_tokens: 7, cache_read_input_tokens: 100 },
};

function parseAll(chunks: Buffer[]): SseEvent[] {
  const parser = new SseParser();
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.flush()];
}

function accumulate(events: SseEvent[]): MessageAccumulator {
  const acc = new MessageAccumulator();
  for (const e of events) acc.apply(e);
  return acc;
}

describe('SseParser', () => {
  test('gives the same events whatever the chunk boundaries, even inside a UTF-8 character', () => {
    const bytes = Buffer.from(apiStream());
    const whole = parseAll([bytes]);
    assert.equal(whole.length, 18);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      assert.deepEqual(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)]), whole, `cut at ${cut}`);
    }
    const oneByteAtATime = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    assert.deepEqual(parseAll(oneByteAtATime), whole);
  });

  test('accepts CRLF and CR line endings, comments and multi-line data', () => {
    const text = ': keep-alive\r\nevent: a\r\ndata: one\r\ndata: two\r\n\r\nevent: b\rdata: x\r\r';
    const bytes = Buffer.from(text);
    const expected = [{ event: 'a', data: 'one\ntwo' }, { event: 'b', data: 'x' }];
    assert.deepEqual(parseAll([bytes]), expected);
    // A CRLF split between chunks is one line ending, not two.
    const at = text.indexOf('\r\n') + 1;
    assert.deepEqual(parseAll([bytes.subarray(0, at), bytes.subarray(at)]), expected);
  });

  test('drops an event the stream cut off before its blank line', () => {
    assert.deepEqual(parseAll([Buffer.from('event: a\ndata: 1\n\nevent: b\ndata: 2\n')]), [{ event: 'a', data: '1' }]);
  });
});

describe('MessageAccumulator', () => {
  test('rebuilds the final message from a stream, as the SDK would', () => {
    const acc = accumulate(parseAll([Buffer.from(apiStream())]));
    assert.ok(acc.complete);
    assert.deepEqual(acc.message(), EXPECTED);
  });

  test('a stream without message_stop is not complete, so it is never cached', () => {
    const events = parseAll([Buffer.from(apiStream())]).slice(0, -1);
    assert.equal(accumulate(events).complete, false);
  });

  test('an error event or broken JSON marks the stream failed', () => {
    const events = parseAll([Buffer.from(apiStream())]);
    const withError = [...events.slice(0, 5), { event: 'error', data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' }, ...events.slice(5)];
    assert.ok(accumulate(withError).failed);
    assert.equal(accumulate(withError).complete, false);
    const garbled = [...events.slice(0, 3), { event: 'content_block_delta', data: '{"type":' }, ...events.slice(3)];
    assert.ok(accumulate(garbled).failed);
  });

  test('truncated tool input JSON is a failed stream, not a wrong answer', () => {
    const text = apiStream().replace('a.txt\\", \\"limit\\": 10}', 'a.txt\\", \\"lim');
    assert.notEqual(text, apiStream());
    assert.equal(accumulate(parseAll([Buffer.from(text)])).complete, false);
  });
});

describe('messageToSse (cache replay)', () => {
  test('replays a stored message as a stream that rebuilds the same message', () => {
    const replay = messageToSse(EXPECTED);
    const acc = accumulate(parseAll([Buffer.from(replay)]));
    assert.ok(acc.complete);
    assert.deepEqual(acc.message(), EXPECTED);
  });

  test('follows the event grammar: message_start, blocks in order (start, deltas, stop), message_delta, message_stop', () => {
    const events = parseAll([Buffer.from(messageToSse(EXPECTED))]);
    const names = events.map((e) => e.event);
    assert.equal(names[0], 'message_start');
    assert.deepEqual(names.slice(-2), ['message_delta', 'message_stop']);
    let open: number | null = null;
    let next = 0;
    for (const e of events.slice(1, -2)) {
      const data = JSON.parse(e.data) as { type: string; index: number };
      assert.equal(data.type, e.event, 'event name matches the data type');
      if (e.event === 'content_block_start') {
        assert.equal(open, null);
        assert.equal(data.index, next++);
        open = data.index;
      } else {
        assert.equal(data.index, open);
        if (e.event === 'content_block_stop') open = null;
      }
    }
    assert.equal(next, EXPECTED.content.length);
    const start = JSON.parse(events[0]!.data) as { message: Message };
    assert.deepEqual(start.message.content, []);
    assert.equal(start.message.stop_reason, null);
  });

  test('a message with empty text and a tool call without input still replays well-formed', () => {
    const message: Message = { ...EXPECTED, content: [{ type: 'text', text: '' }, { type: 'tool_use', id: 't', name: 'Ls', input: {} }] };
    assert.deepEqual(accumulate(parseAll([Buffer.from(messageToSse(message))])).message(), message);
  });
});
