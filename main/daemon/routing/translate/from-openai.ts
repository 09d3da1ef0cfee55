import { randomBytes } from 'node:crypto';
import type { ContentBlock, ErrorBody, Message, Usage } from '../../anthropic/types.js';
import { errorBody } from '../../anthropic/types.js';
import { errorTypeForStatus } from '../../http/errors.js';
import type { ChatCompletion, ChatToolCall, ChatUsage } from './openai-types.js';

/** OpenAI finish_reason → Anthropic stop_reason. */
export function stopReasonOf(finish: string | null | undefined): string {
  switch (finish) {
    case 'length': return 'max_tokens';
    case 'tool_calls':
    case 'function_call': return 'tool_use';
    case 'content_filter': return 'refusal';
    default: return 'end_turn';
  }
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

/** A complete Chat Completion → an Anthropic Message. `model` is used when the reply names none. */
export function toAnthropicMessage(completion: ChatCompletion, model: string): Message {
  const choice = completion.choices?.[0];
  const content: ContentBlock[] = [];
  const text = choice?.message?.content ?? choice?.message?.refusal;
  if (typeof text === 'string' && text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message?.tool_calls ?? []) content.push(toolUseBlock(call));
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model || model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason),
    stop_sequence: null,
    usage: usageOf(completion.usage),
  };
}

/** Any provider error body (OpenAI's `{error: {message}}`, Ollama's `{error: "..."}`, text) → Anthropic's shape. */
export function toAnthropicError(status: number, body: string, provider: string): ErrorBody {
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
  return errorBody(errorTypeForStatus(status), `${provider}: ${message || `HTTP ${status}`}`);
}
