import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { MessageAccumulator } from '../../main/daemon/anthropic/accumulate.js';
import { SseParser } from '../../main/daemon/anthropic/sse.js';
import { toAnthropicError, toAnthropicMessage } from '../../main/daemon/routing/translate/from-openai.js';
import { OpenAiStreamTranslator } from '../../main/daemon/routing/translate/openai-stream.js';
import { toOpenAiRequest } from '../../main/daemon/routing/translate/to-openai.js';
import { withoutUnsignedThinking } from '../../main/daemon/routing/send.js';

type Json = Record<string, unknown>;

/** The line an OpenAI-compatible stream ends with. */
const DONE = 'data: [DONE]\n\n';

function fixture(name: string): Json {
  const file = `test/fixtures/claude-code-requests/claude-code-2.1.197-${name}.json`;
  return (JSON.parse(readFileSync(file, 'utf8')) as { body: Json }).body;
}

describe('Anthropic request → Chat Completions', () => {
  test('a real Claude Code tool-result turn', () => {
    const body = fixture('tool-result-turn');
    const { body: out, dropped } = toOpenAiRequest(body, 'qwen2.5-coder:7b');
    assert.equal(out.model, 'qwen2.5-coder:7b');
    assert.equal(out.max_tokens, 64000);
    assert.equal(out.stream, true);
    assert.deepEqual(out.stream_options, { include_usage: true });
    const roles = out.messages.map((m) => m.role);
    assert.deepEqual(roles, ['system', 'user', 'system', 'assistant', 'tool']);
    const system = out.messages[0]!.content as string;
    assert.ok(!system.includes('x-anthropic-billing-header'), 'the billing line stays behind');
    assert.ok(system.length > 100);
    const assistant = out.messages[3] as { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> };
    assert.equal(assistant.tool_calls[0]!.function.name, 'Read');
    assert.deepEqual(JSON.parse(assistant.tool_calls[0]!.function.arguments), { file_path: '/tmp/ccexp/work/hello.txt' });
    assert.deepEqual(out.messages[4], { role: 'tool', tool_call_id: assistant.tool_calls[0]!.id, content: '1\thello from file\n2\t' });
    assert.equal(out.tools?.length, 24);
    assert.equal(out.tools?.[0]?.type, 'function');
    for (const field of ['thinking', 'context_management', 'output_config']) assert.ok(dropped.includes(field), field);
    assert.ok(!('metadata' in out) && !('thinking' in out));
  });

  test('images, tool choice, parallel calls, stop sequences, error results', () => {
    const { body: out, dropped } = toOpenAiRequest({
      model: 'x',
      max_tokens: 10,
      top_k: 5,
      stop_sequences: ['a', 'b', 'c', 'd', 'e'],
      tools: [
        { name: 'f', input_schema: { type: 'object' } },
        { type: 'web_search_20250305', name: 'web_search' },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'document', source: { type: 'text', data: 'doc' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: [{ type: 'text', text: 'boom' }] }, { type: 'text', text: 'and?' }] },
      ],
    }, 'x');
    assert.deepEqual(out.messages[0], {
      role: 'user',
      content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }],
    });
    assert.deepEqual(out.messages[1], { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] });
    assert.deepEqual(out.messages.slice(2), [{ role: 'tool', tool_call_id: 't1', content: 'Error: boom' }, { role: 'user', content: 'and?' }]);
    assert.equal(out.tool_choice, 'required');
    assert.equal(out.parallel_tool_calls, false);
    assert.deepEqual(out.stop, ['a', 'b', 'c', 'd']);
    assert.equal(out.tools?.length, 1);
    for (const what of ['top_k', 'tool web_search', 'user document block', 'assistant thinking block', 'stop_sequences beyond the first 4']) {
      assert.ok(dropped.includes(what), what);
    }
    const named = toOpenAiRequest({ model: 'x', tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'tool', name: 'f' }, messages: [] }, 'x');
    assert.deepEqual(named.body.tool_choice, { type: 'function', function: { name: 'f' } });
  });

  test('every tool_choice: auto, any, tool, none; none without tools sends no choice', () => {
    const choice = (tool_choice: Json, tools: unknown[] = [{ name: 'f', input_schema: { type: 'object' } }]) =>
      toOpenAiRequest({ model: 'x', tools, tool_choice, messages: [] }, 'x').body.tool_choice;
    assert.equal(choice({ type: 'auto' }), 'auto');
    assert.equal(choice({ type: 'any' }), 'required');
    assert.deepEqual(choice({ type: 'tool', name: 'f' }), { type: 'function', function: { name: 'f' } });
    assert.equal(choice({ type: 'none' }), 'none');
    assert.equal(choice({ type: 'auto' }, []), undefined, 'a choice without tools would be refused');
  });

  test('URL images, and images a tool returned, reach the model in a user message', () => {
    const { body: out } = toOpenAiRequest({
      model: 'x',
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.invalid/a.png' } }, { type: 'text', text: 'what is it?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'screenshot', input: {} }] },
        {
          role: 'user',
          content: [{
            type: 'tool_result',
            tool_use_id: 't1',
            content: [{ type: 'text', text: 'here' }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } }],
          }],
        },
      ],
    }, 'x');
    assert.deepEqual(out.messages[0], {
      role: 'user',
      content: [{ type: 'image_url', image_url: { url: 'https://example.invalid/a.png' } }, { type: 'text', text: 'what is it?' }],
    });
    assert.deepEqual(out.messages.slice(2), [
      { role: 'tool', tool_call_id: 't1', content: 'here\n\n(image in the next user message)' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } }] },
    ]);
  });

  test('an assistant turn left empty by what was dropped still has content', () => {
    const { body: out } = toOpenAiRequest({
      model: 'x',
      messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }] }, { role: 'user', content: 'go on' }],
    }, 'x');
    assert.deepEqual(out.messages[1], { role: 'assistant', content: '' });
  });
});

describe('Chat Completions answer → Anthropic', () => {
  test('text, tool calls, stop reason and usage with cached tokens', () => {
    const message = toAnthropicMessage({
      id: 'chatcmpl-1',
      model: 'gpt-4o-2024',
      choices: [{ message: { content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 40 } },
    }, 'gpt-4o');
    assert.equal(message.id, 'msg_chatcmpl-1');
    assert.equal(message.model, 'gpt-4o-2024');
    assert.deepEqual(message.content, [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'call_1', name: 'f', input: { a: 1 } }]);
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(message.usage, { input_tokens: 60, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 40 });
    assert.equal(toAnthropicMessage({ choices: [{ message: { content: 'x' }, finish_reason: 'length' }] }, 'm').stop_reason, 'max_tokens');
  });

  test('every finish reason, including Ollama\'s `stop` beside tool calls', () => {
    const stop = (finish: string | null, calls = false) => toAnthropicMessage({
      choices: [{ message: { content: 'x', ...(calls ? { tool_calls: [{ id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{}' } }] } : {}) }, finish_reason: finish }],
    }, 'm').stop_reason;
    assert.equal(stop('stop'), 'end_turn');
    assert.equal(stop(null), 'end_turn');
    assert.equal(stop('length'), 'max_tokens');
    assert.equal(stop('tool_calls', true), 'tool_use');
    assert.equal(stop('content_filter'), 'refusal');
    assert.equal(stop('stop', true), 'tool_use', 'tool calls are run whatever the server called the ending');
  });

  test('reasoning becomes a thinking block only when thinking was asked for', () => {
    const completion = { choices: [{ message: { content: 'Four.', reasoning_content: '2+2 is 4' }, finish_reason: 'stop' }] };
    const drops: string[] = [];
    assert.deepEqual(toAnthropicMessage(completion, 'm', { onDrop: (w) => drops.push(w) }).content, [{ type: 'text', text: 'Four.' }]);
    assert.match(drops[0] ?? '', /reasoning/);
    assert.deepEqual(toAnthropicMessage(completion, 'm', { thinking: true }).content, [
      { type: 'thinking', thinking: '2+2 is 4', signature: '' },
      { type: 'text', text: 'Four.' },
    ]);
    const ollama = { choices: [{ message: { content: 'ok', reasoning: 'hmm' }, finish_reason: 'stop' }] };
    assert.equal(toAnthropicMessage(ollama, 'm', { thinking: true }).content[0]?.thinking, 'hmm');
  });

  test('errors keep their meaning: OpenAI and Ollama bodies, plain text', () => {
    assert.deepEqual(toAnthropicError(429, '{"error":{"message":"slow down","type":"rate_limit_exceeded"}}', 'oai'), {
      type: 'error', error: { type: 'rate_limit_error', message: 'oai: slow down' },
    });
    assert.deepEqual(toAnthropicError(404, '{"error":"model \\"qwen\\" not found"}', 'local').error, { type: 'not_found_error', message: 'local: model "qwen" not found' });
    assert.equal(toAnthropicError(503, 'Service Unavailable', 'x').error.type, 'api_error');
  });
});

/** Runs an OpenAI SSE text through the translator in odd-sized byte pieces and reads the result back. */
function translate(sse: string, pieceSize = 5, options: { thinking?: boolean; drops?: string[] } = {}) {
  const translator = new OpenAiStreamTranslator('fallback-model', (what) => options.drops?.push(what), options);
  const upstream = new SseParser();
  let out = '';
  const bytes = Buffer.from(sse);
  for (let i = 0; i < bytes.length; i += pieceSize) {
    for (const event of upstream.push(bytes.subarray(i, i + pieceSize))) out += translator.push(event.data);
  }
  out += translator.end();
  const events = new SseParser().push(out);
  const acc = new MessageAccumulator();
  for (const event of events) acc.apply(event);
  return { events, acc, complete: translator.complete };
}

const chunk = (delta: Json, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c1', model: 'm-1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('OpenAI stream → Anthropic stream', () => {
  test('text then two tool calls become blocks with deltas, then stop reason and usage', () => {
    const sse = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Héllo ' }),
      chunk({ content: 'wörld' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '[1,2]}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      `data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 12, completion_tokens: 9 } })}\n\n`,
      'data: [DONE]\n\n',
    ].join('');
    const { events, acc, complete } = translate(sse);
    assert.ok(complete && acc.complete);
    assert.deepEqual(events.map((e) => e.event), [
      'message_start',
      'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    const message = acc.message()!;
    assert.equal(message.model, 'm-1');
    assert.deepEqual(message.content, [
      { type: 'text', text: 'Héllo wörld' },
      { type: 'tool_use', id: 'call_a', name: 'f', input: { x: [1, 2] } },
      { type: 'tool_use', id: 'call_b', name: 'g', input: {} },
    ]);
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(message.usage.input_tokens, 12);
    assert.equal(message.usage.output_tokens, 9);
  });

  test('each chunk is translated as it arrives, not at the end', () => {
    const translator = new OpenAiStreamTranslator('m');
    const first = translator.push(JSON.stringify({ choices: [{ delta: { content: 'Hi' } }] }));
    assert.match(first, /event: message_start[\s\S]*event: content_block_start[\s\S]*"text":"Hi"/);
  });

  test('a stream cut before its finish gets no closing events', () => {
    const { events, acc, complete } = translate(chunk({ content: 'partial' }));
    assert.equal(complete, false);
    assert.equal(acc.complete, false);
    assert.ok(!events.some((e) => e.event === 'message_stop'));
  });

  test('an error chunk or broken tool arguments end in an error event', () => {
    const failed = translate(`${chunk({ content: 'a' })}data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n${DONE}`);
    assert.equal(failed.events.at(-1)?.event, 'error');
    assert.ok(failed.acc.failed);
    const broken = translate(chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{"a":' } }] }) + chunk({}, 'tool_calls') + DONE);
    assert.equal(broken.events.at(-1)?.event, 'error');
    assert.ok(!broken.events.some((e) => e.event === 'message_stop'));
  });

  test('parallel tool calls whose fragments interleave each get all of their arguments', () => {
    const drops: string[] = [];
    const sse = [
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"b":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '2}' } }] }),
      chunk({ tool_calls: [{ index: 2, id: 'call_c', type: 'function', function: { name: 'h', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      'data: [DONE]\n\n',
    ].join('');
    const { events, acc } = translate(sse, 7, { drops });
    assert.ok(acc.complete, 'a well-formed stream');
    assert.deepEqual(acc.message()!.content, [
      { type: 'tool_use', id: 'call_a', name: 'f', input: { a: 1 } },
      { type: 'tool_use', id: 'call_b', name: 'g', input: { b: 2 } },
      { type: 'tool_use', id: 'call_c', name: 'h', input: {} },
    ]);
    // Blocks never overlap: each starts after the previous one stopped.
    const order = events.filter((e) => e.event.startsWith('content_block_')).map((e) => `${e.event}:${(JSON.parse(e.data) as { index: number }).index}`);
    assert.deepEqual(order.filter((e) => !e.startsWith('content_block_delta')), [
      'content_block_start:0', 'content_block_stop:0', 'content_block_start:1', 'content_block_stop:1', 'content_block_start:2', 'content_block_stop:2',
    ]);
    assert.deepEqual(drops, []);
  });

  test('tool calls without an index (older Ollama) are told apart by their ids; `stop` with calls is tool_use', () => {
    const sse = chunk({ tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"n":1}' } },
      { id: 'call_2', type: 'function', function: { name: 'f', arguments: '{"n":2}' } },
    ] }) + chunk({}, 'stop') + DONE;
    const message = translate(sse).acc.message()!;
    assert.deepEqual(message.content.map((b) => b.input), [{ n: 1 }, { n: 2 }]);
    assert.equal(message.stop_reason, 'tool_use');
  });

  test('streamed reasoning becomes a thinking block before the text when thinking was asked for', () => {
    const sse = chunk({ reasoning_content: 'Let me ' }) + chunk({ reasoning_content: 'think.' }) + chunk({ content: 'Done.' }) + chunk({}, 'stop') + DONE;
    assert.deepEqual(translate(sse, 5, { thinking: true }).acc.message()!.content, [
      { type: 'thinking', thinking: 'Let me think.', signature: '' },
      { type: 'text', text: 'Done.' },
    ]);
    const drops: string[] = [];
    assert.deepEqual(translate(sse, 5, { drops }).acc.message()!.content, [{ type: 'text', text: 'Done.' }]);
    assert.equal(drops.length, 1, 'dropped once, logged once');
    const ollama = chunk({ reasoning: 'hm' }) + chunk({ content: 'ok' }) + chunk({}, 'stop');
    assert.equal(translate(ollama, 5, { thinking: true }).acc.message()!.content[0]?.type, 'thinking');
  });

  test('usage with cached prompt tokens arrives in the last chunk', () => {
    const sse = chunk({ content: 'x' }) + chunk({}, 'stop')
      + `data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 50, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 32 } } })}\n\n` + 'data: [DONE]\n\n';
    const usage = translate(sse).acc.message()!.usage;
    assert.equal(usage.input_tokens, 18);
    assert.equal(usage.cache_read_input_tokens, 32);
    assert.equal(usage.output_tokens, 3);
  });

  test('a finish reason without [DONE] still closes the message', () => {
    const { acc } = translate(chunk({ content: 'ok' }) + chunk({}, 'length'));
    assert.ok(acc.complete);
    assert.equal(acc.message()!.stop_reason, 'max_tokens');
  });
});

describe('a conversation going back to an Anthropic endpoint', () => {
  test('loses only the unsigned thinking blocks another provider produced', () => {
    const signed = { type: 'thinking', thinking: 'a', signature: 'EqQB' };
    const messages = [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'b', signature: '' }, { type: 'text', text: 'A' }] },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: [signed, { type: 'text', text: 'B' }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'only', signature: '' }] },
    ];
    assert.deepEqual(withoutUnsignedThinking(messages), [
      messages[0], { role: 'assistant', content: [{ type: 'text', text: 'A' }] }, messages[2], messages[3],
    ]);
    assert.equal(withoutUnsignedThinking(messages.slice(2, 4)), undefined, 'nothing to take out: the client\'s bytes go as they are');
  });
});
