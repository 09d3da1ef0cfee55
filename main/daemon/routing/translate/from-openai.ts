import { randomBytes } from 'node:crypto';
import type { ContentBlock, ErrorBody, Message, Usage } from '../../anthropic/types.js';
import { errorBody } from '../../anthropic/types.js';
import { errorTypeForStatus } from '../../http/errors.js';
import type { ChatCompletion, ChatToolCall, ChatUsage } from './openai-types.js';

/**
 * OpenAI finish_reason → Anthropic stop_reason. Some servers (Ollama among them) say `stop` even
 * when the answer ends in tool calls; Claude Code runs tools only on `tool_use`, so the calls win.
 * Chat Completions does not say whether a stop sequence ended the text: that is `end_turn` too.
 */
export function stopReasonOf(finish: string | null | undefined, calledTools = false): string {
  switch (finish) {
    case 'length': return 'max_tokens';
    case 'tool_calls':
    case 'function_call': return 'tool_use';
    case 'content_filter': return 'refusal';
    default: return calledTools ? 'tool_use' : 'end_turn';
  }
}

/**
 * A reasoning model's thoughts: `reasoning_content` (DeepSeek, vLLM, LM Studio) or `reasoning`
 * (Ollama, OpenRouter). They become a `thinking` block only when the client asked for thinking,
 * as Claude would; otherwise they are dropped.
 */
export function reasoningOf(part: { reasoning_content?: unknown; reasoning?: unknown } | null | undefined): string {
  const text = part?.reasoning_content ?? part?.reasoning;
  return typeof text === 'string' ? text : '';
}

/** Message content is a string, or (some servers) a list of text parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: { type?: unknown; text?: unknown }) => (p?.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

/** Prompt tokens served from the provider's own cache are reported apart, as Anthropic does. */
export function usageOf(usage: ChatUsage | null | undefined): Usage {
  const prompt = usage?.prompt_tokens ?? 0;
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, prompt - cached),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

export function messageId(openAiId: string | undefined): string {
  const suffix = openAiId && /^[A-Za-z0-9_-]+$/.test(openAiId) ? openAiId : randomBytes(12).toString('hex');
  return `msg_${suffix}`;
}

/** Arguments that are not a JSON object cannot be a tool input; `{}` keeps the block well-formed. */
export function parseArguments(args: string | undefined): { input: unknown; ok: boolean } {
  if (args === undefined || args.trim() === '') return { input: {}, ok: true };
  try {
    const input = JSON.parse(args) as unknown;
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return { input, ok: true };
  } catch {
    // fall through
  }
  return { input: {}, ok: false };
}

export function toolUseBlock(call: ChatToolCall): ContentBlock {
  return { type: 'tool_use', id: call.id || `toolu_${randomBytes(12).toString('hex')}`, name: call.function.name, input: parseArguments(call.function.arguments).input };
}

export interface AnswerOptions {
  /** The client asked for extended thinking: provider reasoning becomes a `thinking` block. */
  thinking?: boolean;
  /** Told what was left out (logged at debug). */
  onDrop?: (what: string) => void;
}

/** A complete Chat Completion → an Anthropic Message. `model` is used when the reply names none. */
export function toAnthropicMessage(completion: ChatCompletion, model: string, options: AnswerOptions = {}): Message {
  const choice = completion.choices?.[0];
  const content: ContentBlock[] = [];
  const reasoning = reasoningOf(choice?.message);
  if (reasoning !== '') {
    // No signature: the thoughts are not Claude's, and no signature could vouch for them.
    if (options.thinking) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
    else options.onDrop?.('reasoning output (the request did not ask for thinking)');
  }
  const text = contentText(choice?.message?.content) || contentText(choice?.message?.refusal);
  if (text !== '') content.push({ type: 'text', text });
  const calls = choice?.message?.tool_calls ?? [];
  for (const call of calls) content.push(toolUseBlock(call));
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model || model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason, calls.length > 0),
    stop_sequence: null,
    usage: usageOf(completion.usage),
  };
}

/**
 * The human message in any provider's error body: OpenAI's and Anthropic's `{error: {message}}`,
 * Ollama's `{error: "..."}`, `{message}`, or plain text.
 */
export function errorMessageOf(body: string): string {
  let message = body.trim().slice(0, 2000);
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const err = parsed.error;
    if (typeof err === 'string') message = err;
    else if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
      message = (err as { message: string }).message;
    } else if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: the text itself is the message
  }
  return message;
}

/** Any provider error body → Anthropic's shape, the message prefixed with the provider's name. */
export function toAnthropicError(status: number, body: string, provider: string): ErrorBody {
  return errorBody(errorTypeForStatus(status), `${provider}: ${errorMessageOf(body) || `HTTP ${status}`}`);
}
