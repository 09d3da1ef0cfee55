import type { Usage } from '../../anthropic/types.js';
import { errorBody } from '../../anthropic/types.js';
import { formatSse } from '../../proxy/sse.js';
import { messageId, parseArguments, stopReasonOf, usageOf } from './from-openai.js';
import type { ChatChunk, ChatUsage } from './openai-types.js';

type OpenBlock = { kind: 'text' } | { kind: 'tool'; call: number; args: string };

/**
 * Turns an OpenAI Chat Completions chunk stream into an Anthropic SSE sequence as the chunks
 * arrive: message_start on the first chunk, a content block per run of text or per tool call
 * (text_delta, input_json_delta), then message_delta with the stop reason and usage, and
 * message_stop. Holds only the block being written, never the stream.
 *
 * A stream that ends with neither a finish reason nor `[DONE]` gets no closing events: it was
 * cut, and the proxy ends it with an error event instead.
 */
export class OpenAiStreamTranslator {
  private started = false;
  private index = -1;
  private block: OpenBlock | undefined;
  /** Tool calls already closed (OpenAI streams them one after another; a late fragment is dropped). */
  private readonly closedCalls = new Set<number>();
  private finish: string | null = null;
  private usage: ChatUsage | null = null;
  private sawDone = false;
  private ended = false;
  private failed = false;

  constructor(
    private readonly model: string,
    private readonly onDrop: (what: string) => void = () => {},
  ) {}

  /** True once the closing events went out. */
  get complete(): boolean {
    return this.ended;
  }

  /** One SSE `data:` payload of the OpenAI stream; returns the Anthropic events to send now. */
  push(data: string): string {
    if (this.ended || this.failed) return '';
    if (data.trim() === '[DONE]') {
      this.sawDone = true;
      return '';
    }
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      return this.fail('api_error', 'The provider sent a stream chunk that is not JSON');
    }
    if (chunk.error) return this.fail('api_error', chunk.error.message ?? 'The provider reported an error mid-stream');
    let out = this.start(chunk);
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta;
      if (typeof delta?.content === 'string' && delta.content !== '') out += this.text(delta.content);
      for (const call of delta?.tool_calls ?? []) if (!this.failed) out += this.toolCall(call);
      if (this.failed) return out;
      if (choice.finish_reason) this.finish = choice.finish_reason;
    }
    return out;
  }

  /** End of the provider's stream: the closing events, or '' when the stream was cut. */
  end(): string {
    if (this.ended || this.failed || (!this.sawDone && this.finish === null)) return '';
    let out = this.start({}) + this.closeBlock();
    if (this.failed) return out;
    const usage: Usage = usageOf(this.usage);
    out += formatSse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReasonOf(this.finish), stop_sequence: null },
      usage,
    });
    out += formatSse('message_stop', { type: 'message_stop' });
    this.ended = true;
    return out;
  }

  private start(chunk: ChatChunk): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: messageId(chunk.id),
      type: 'message',
      role: 'assistant',
      model: chunk.model || this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The provider tells its counts only at the end; message_delta carries them.
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    return formatSse('message_start', { type: 'message_start', message });
  }

  private text(text: string): string {
    let out = '';
    if (this.block?.kind !== 'text') {
      out += this.closeBlock();
      if (this.failed) return out;
      out += this.open({ type: 'text', text: '' }, { kind: 'text' });
    }
    return out + this.delta({ type: 'text_delta', text });
  }

  private toolCall(call: NonNullable<NonNullable<NonNullable<ChatChunk['choices']>[number]['delta']>['tool_calls']>[number]): string {
    const n = call.index ?? 0;
    let out = '';
    const current = this.block?.kind === 'tool' && this.block.call === n;
    if (!current) {
      if (this.closedCalls.has(n)) {
        this.onDrop(`a late fragment of tool call ${n}`);
        return '';
      }
      out += this.closeBlock();
      if (this.failed) return out;
      const id = call.id || `toolu_${this.index + 1}_${Date.now().toString(36)}`;
      out += this.open({ type: 'tool_use', id, name: call.function?.name ?? '', input: {} }, { kind: 'tool', call: n, args: '' });
    }
    const fragment = call.function?.arguments;
    if (fragment && this.block?.kind === 'tool') {
      this.block.args += fragment;
      out += this.delta({ type: 'input_json_delta', partial_json: fragment });
    }
    return out;
  }

  private open(contentBlock: object, block: OpenBlock): string {
    this.index++;
    this.block = block;
    return formatSse('content_block_start', { type: 'content_block_start', index: this.index, content_block: contentBlock });
  }

  private delta(delta: object): string {
    return formatSse('content_block_delta', { type: 'content_block_delta', index: this.index, delta });
  }

  private closeBlock(): string {
    const block = this.block;
    if (!block) return '';
    this.block = undefined;
    if (block.kind === 'tool') {
      this.closedCalls.add(block.call);
      // Arguments that do not parse would leave the client with a broken tool_use block.
      if (!parseArguments(block.args).ok) {
        this.onDrop(`tool call arguments that are not a JSON object`);
        this.failed = true;
        return formatSse('error', errorBody('api_error', 'The provider sent tool call arguments that are not valid JSON'));
      }
    }
    return formatSse('content_block_stop', { type: 'content_block_stop', index: this.index });
  }

  private fail(type: string, message: string): string {
    this.failed = true;
    return formatSse('error', errorBody(type, message));
  }
}
