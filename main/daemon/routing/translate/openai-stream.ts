import type { Usage } from '../../anthropic/types.js';
import { errorBody } from '../../anthropic/types.js';
import { formatSse } from '../../anthropic/sse.js';
import { type AnswerOptions, messageId, parseArguments, reasoningOf, stopReasonOf, usageOf } from './from-openai.js';
import type { ChatChunk, ChatUsage } from './openai-types.js';

type ChunkToolCall = NonNullable<NonNullable<NonNullable<ChatChunk['choices']>[number]['delta']>['tool_calls']>[number];

/** A tool call of the provider's stream, by its key (see `keyOf`). */
interface ToolCall {
  id: string;
  name: string;
  args: string;
  /** Its block is open and its fragments go out as they come. */
  live: boolean;
  /** Its block went out and was closed. */
  closed: boolean;
}

/** Arguments that are already a whole JSON object: no later fragment can belong to them. */
function wholeObject(args: string): boolean {
  return args.trim() !== '' && parseArguments(args).ok;
}

type OpenBlock = { kind: 'text' } | { kind: 'thinking' } | { kind: 'tool'; call: ToolCall };

/**
 * Turns an OpenAI Chat Completions chunk stream into an Anthropic SSE sequence as the chunks
 * arrive: message_start on the first chunk, a content block per run of reasoning (when thinking
 * was asked for), per run of text and per tool call (thinking_delta, text_delta,
 * input_json_delta), then message_delta with the stop reason and usage, and message_stop.
 *
 * Anthropic blocks come one after another; parallel tool calls in Chat Completions may not. A tool
 * call streams live while the calls before it are complete; one that starts while the live call's
 * arguments are still partial (interleaved fragments) is held, and goes out whole when the live
 * one closes, so no fragment is ever lost or sent to the wrong block.
 *
 * A stream that ends with neither a finish reason nor `[DONE]` gets no closing events: it was
 * cut, and the proxy ends it with an error event instead.
 */
export class OpenAiStreamTranslator {
  private started = false;
  private index = -1;
  private block: OpenBlock | undefined;
  private readonly calls = new Map<string, ToolCall>();
  /** Tool calls held back, in the order they started. */
  private readonly held: ToolCall[] = [];
  private lastKey: string | undefined;
  private calledTools = false;
  private droppedReasoning = false;
  private finish: string | null = null;
  private usage: ChatUsage | null = null;
  private sawDone = false;
  private ended = false;
  private failed = false;
  private readonly thinking: boolean;
  private readonly onDrop: (what: string) => void;

  constructor(
    private readonly model: string,
    onDrop: (what: string) => void = () => {},
    options: Pick<AnswerOptions, 'thinking'> = {},
  ) {
    this.onDrop = onDrop;
    this.thinking = options.thinking === true;
  }

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
      // Only one answer was asked for; a server that sends more gets its first.
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta;
      const reasoning = reasoningOf(delta);
      if (reasoning !== '') out += this.reasoning(reasoning);
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
      delta: { stop_reason: stopReasonOf(this.finish, this.calledTools), stop_sequence: null },
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

  private reasoning(text: string): string {
    if (!this.thinking) {
      if (!this.droppedReasoning) this.onDrop('reasoning output (the request did not ask for thinking)');
      this.droppedReasoning = true;
      return '';
    }
    let out = '';
    if (this.block?.kind !== 'thinking') {
      out += this.closeBlock();
      if (this.failed) return out;
      // No signature: the thoughts are not Claude's, and no signature could vouch for them.
      out += this.open({ type: 'thinking', thinking: '', signature: '' }, { kind: 'thinking' });
    }
    return out + this.delta({ type: 'thinking_delta', thinking: text });
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

  /**
   * Which call a fragment belongs to: its `index`; without one (older Ollama), a new `id` starts
   * a new call and a fragment with neither continues the last call.
   */
  private keyOf(call: ChunkToolCall): string {
    if (typeof call.index === 'number') return `#${call.index}`;
    if (call.id) return `@${call.id}`;
    return this.lastKey ?? '#0';
  }

  private toolCall(fragment: ChunkToolCall): string {
    const key = this.keyOf(fragment);
    this.lastKey = key;
    const args = fragment.function?.arguments ?? '';
    let call = this.calls.get(key);
    if (!call) {
      this.calledTools = true;
      call = { id: fragment.id || `toolu_${this.calls.size}_${Date.now().toString(36)}`, name: fragment.function?.name ?? '', args: '', live: false, closed: false };
      this.calls.set(key, call);
      const live = this.block?.kind === 'tool' ? this.block.call : undefined;
      if (this.held.length > 0 || (live && !wholeObject(live.args))) {
        // Interleaved with a call whose arguments are still coming: held until that one closes.
        this.held.push(call);
        call.args = args;
        return '';
      }
      call.args = args;
      const out = this.closeBlock();
      return this.failed ? out : out + this.openCall(call);
    }
    if (!call.live && !call.closed && call.name === '' && fragment.function?.name) call.name = fragment.function.name;
    if (args === '') return '';
    if (call.closed) {
      // Only a call whose arguments were already a whole JSON object is ever closed early.
      this.onDrop(`a late fragment of tool call ${call.name} after its arguments were complete`);
      return '';
    }
    call.args += args;
    return call.live ? this.delta({ type: 'input_json_delta', partial_json: args }) : '';
  }

  /** Starts `call`'s block (none may be open), with the arguments it has so far. */
  private openCall(call: ToolCall): string {
    call.live = true;
    let out = this.open({ type: 'tool_use', id: call.id, name: call.name, input: {} }, { kind: 'tool', call });
    if (call.args !== '') out += this.delta({ type: 'input_json_delta', partial_json: call.args });
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

  /** Closes the open block, then sends every held tool call whole, in order. */
  private closeBlock(): string {
    let out = this.closeOne();
    while (!this.failed && this.held.length > 0) {
      out += this.openCall(this.held.shift()!);
      out += this.closeOne();
    }
    return out;
  }

  private closeOne(): string {
    const block = this.block;
    if (!block) return '';
    this.block = undefined;
    if (block.kind === 'tool') {
      block.call.live = false;
      block.call.closed = true;
      // Arguments that do not parse would leave the client with a broken tool_use block.
      if (!parseArguments(block.call.args).ok) {
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
