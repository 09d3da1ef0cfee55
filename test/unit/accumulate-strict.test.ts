import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message, SseEvent } from '../../main/daemon/anthropic/types.js';
import { MessageAccumulator } from '../../main/daemon/anthropic/accumulate.js';
import { messageToSse } from '../../main/daemon/anthropic/replay.js';
import { SseParser } from '../../main/daemon/anthropic/sse.js';

function accumulate(events: SseEvent[]): MessageAccumulator {
  const acc = new MessageAccumulator();
  for (const ev of events) acc.apply(ev);
  return acc;
}

function ev(data: Record<string, unknown>): SseEvent {
  return { event: String(data.type), data: JSON.stringify(data) };
}

const START = ev({
  type: 'message_start',
  message: {
    id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null,
    stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 },
  },
});
const BLOCK = ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
const TEXT = ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } });
const STOP_BLOCK = ev({ type: 'content_block_stop', index: 0 });
const DELTA = ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } });
const END = ev({ type: 'message_stop' });

test('a stream of known events, deltas and fields is complete and cacheable', () => {
  const acc = accumulate([START, BLOCK, TEXT, STOP_BLOCK, DELTA, END]);
  assert.equal(acc.complete, true);
  assert.equal(acc.uncacheable, false);
});

test('anything replay could not reproduce makes the answer uncacheable', () => {
  const cases: Record<string, SseEvent[]> = {
    'an unknown event type': [START, ev({ type: 'message_annotation', note: 'x' }), BLOCK, TEXT, STOP_BLOCK, DELTA, END],
    'an unknown delta type': [START, BLOCK, ev({ type: 'content_block_delta', index: 0, delta: { type: 'x_delta' } }),
      STOP_BLOCK, DELTA, END],
    'an unknown field in a known delta': [START, BLOCK,
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a', lang: 'en' } }), STOP_BLOCK, DELTA, END],
    'an unknown message_delta field': [START, BLOCK, TEXT, STOP_BLOCK,
      ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 }, context: {} }), END],
    'an unknown field in message_delta.delta': [START, BLOCK, TEXT, STOP_BLOCK,
      ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', container: {} } }), END],
    'an unknown field of message_start': [ev({ ...JSON.parse(START.data), extra: 1 }), BLOCK, TEXT, STOP_BLOCK, DELTA, END],
    'an unknown field of content_block_start': [START,
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' }, extra: 1 }), TEXT, STOP_BLOCK, DELTA, END],
    'an event name that is not its type': [START, { event: 'content_block_begin', data: BLOCK.data }, TEXT, STOP_BLOCK, DELTA, END],
  };
  for (const [name, events] of Object.entries(cases)) {
    const acc = accumulate(events);
    assert.equal(acc.uncacheable, true, name);
  }
});

test('replay reproduces every field it stores, new ones in the message and its blocks included', () => {
  const stored = {
    id: 'msg_2', type: 'message', role: 'assistant', model: 'm', container: { id: 'c1' },
    content: [
      { type: 'text', text: 'hello', annotation: 'kept' },
      { type: 'future_block', payload: { a: 1 } },
    ],
    stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 4, server_tool_use: { n: 1 } },
  } as unknown as Message;
  const acc = accumulate(new SseParser().push(messageToSse(stored)));
  assert.equal(acc.complete, true);
  assert.equal(acc.uncacheable, false);
  assert.deepEqual(acc.message(), stored);
});
