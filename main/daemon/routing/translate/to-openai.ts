import { isRecord } from '../../../common/format.js';
import { withoutBillingLine } from '../../anthropic/billing.js';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool, ChatToolCall, ChatToolChoice } from './openai-types.js';

/**
 * Anthropic Messages request → OpenAI Chat Completions request. What Chat Completions cannot
 * express (thinking, cache_control, server tools, documents, top_k, ...) is left out on purpose
 * and named in `dropped`, which the caller logs at debug.
 */
export interface Translated {
  body: ChatRequest;
  dropped: string[];
}

type Json = Record<string, unknown>;

/** Chat Completions accepts at most four stop sequences. */
const MAX_STOP = 4;
/** Fields that carry no meaning for another provider and are dropped without a note. */
const SILENT = new Set(['model', 'messages', 'system', 'stream', 'metadata']);

export function toOpenAiRequest(body: Json, model: string): Translated {
  const dropped = new Set<string>();
  const out: ChatRequest = { model, messages: [...systemMessages(body.system, dropped), ...conversation(body.messages, dropped)] };
  if (typeof body.max_tokens === 'number') out.max_tokens = body.max_tokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) {
    const stops = body.stop_sequences.filter((s): s is string => typeof s === 'string');
    if (stops.length > MAX_STOP) dropped.add(`stop_sequences beyond the first ${MAX_STOP}`);
    out.stop = stops.slice(0, MAX_STOP);
  }
  if (body.stream === true) {
    out.stream = true;
    // Without this the stream carries no token counts.
    out.stream_options = { include_usage: true };
  }
  const tools = toolsOf(body.tools, dropped);
  if (tools.length > 0) out.tools = tools;
  applyToolChoice(out, body.tool_choice, tools.length > 0);
  for (const key of Object.keys(body)) {
    if (!SILENT.has(key) && !HANDLED.has(key)) dropped.add(key);
  }
  return { body: out, dropped: [...dropped] };
}

const HANDLED = new Set(['max_tokens', 'temperature', 'top_p', 'stop_sequences', 'tools', 'tool_choice']);

function textOf(blocks: unknown, dropped: Set<string>, where: string): string {
  if (typeof blocks === 'string') return blocks;
  if (!Array.isArray(blocks)) return '';
  const parts: string[] = [];
  for (const block of blocks) {
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') parts.push(block.text);
    else if (isRecord(block)) dropped.add(`${where} ${String(block.type)} block`);
  }
  return parts.join('\n\n');
}

/** The billing line Claude Code puts first means nothing elsewhere and would spoil a provider's prefix cache. */
function systemMessages(system: unknown, dropped: Set<string>): ChatMessage[] {
  const text = textOf(withoutBillingLine(system), dropped, 'system');
  return text === '' ? [] : [{ role: 'system', content: text }];
}

function conversation(messages: unknown, dropped: Set<string>): ChatMessage[] {
  if (!Array.isArray(messages)) return [];
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (!isRecord(m)) continue;
    // Claude Code also sends `system`-role messages inside `messages`.
    if (m.role === 'system') {
      const text = textOf(m.content, dropped, 'system message');
      if (text !== '') out.push({ role: 'system', content: text });
    } else if (m.role === 'assistant') out.push(assistantMessage(m.content, dropped));
    else if (m.role === 'user') out.push(...userMessages(m.content, dropped));
  }
  return out;
}

function assistantMessage(content: unknown, dropped: Set<string>): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: string[] = [];
  const calls: ChatToolCall[] = [];
  for (const block of Array.isArray(content) ? content : []) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use') {
      calls.push({
        id: String(block.id),
        type: 'function',
        function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) },
      });
    } else dropped.add(`assistant ${String(block.type)} block`);
  }
  // `null` content is allowed only beside tool calls (a turn of thinking alone would be refused).
  const message: ChatMessage = { role: 'assistant', content: texts.length > 0 ? texts.join('\n\n') : calls.length > 0 ? null : '' };
  if (calls.length > 0) message.tool_calls = calls;
  return message;
}

/**
 * A user turn: its tool results become `tool` messages, which must come straight after the
 * assistant's calls, then the rest of its content as one user message. A `tool` message carries
 * text only, so images a tool returned (a screenshot, an image file read) ride in that user message.
 */
function userMessages(content: unknown, dropped: Set<string>): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  for (const block of Array.isArray(content) ? content : []) {
    if (!isRecord(block)) continue;
    if (block.type === 'tool_result') tools.push(toolResult(block, parts, dropped));
    else if (block.type === 'text' && typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') addImage(parts, block, dropped);
    else dropped.add(`user ${String(block.type)} block`);
  }
  if (parts.length === 0) return tools;
  const onlyText = parts.every((p) => p.type === 'text');
  const user: ChatMessage = {
    role: 'user',
    content: onlyText ? parts.map((p) => (p as { text: string }).text).join('\n\n') : parts,
  };
  return [...tools, user];
}

function addImage(parts: ChatContentPart[], block: Json, dropped: Set<string>): void {
  const part = imagePart(block);
  if (part) parts.push(part);
  else dropped.add('image with an unsupported source');
}

function imagePart(block: Json): ChatContentPart | undefined {
  const source = block.source;
  if (!isRecord(source)) return undefined;
  if (source.type === 'base64' && typeof source.data === 'string' && typeof source.media_type === 'string') {
    return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  }
  if (source.type === 'url' && typeof source.url === 'string') return { type: 'image_url', image_url: { url: source.url } };
  return undefined;
}

/** Tool messages carry text only; an error result says so, since the flag has no equivalent. */
function toolResult(block: Json, images: ChatContentPart[], dropped: Set<string>): ChatMessage {
  const id = String(block.tool_use_id);
  const texts: string[] = [];
  const content = block.content;
  if (typeof content === 'string') texts.push(content);
  for (const part of Array.isArray(content) ? content : []) {
    if (!isRecord(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'image') {
      const before = images.length;
      addImage(images, part, dropped);
      if (images.length > before) texts.push('(image in the next user message)');
    } else dropped.add(`tool_result ${String(part.type)} block`);
  }
  const text = texts.join('\n\n');
  return { role: 'tool', tool_call_id: id, content: block.is_error === true ? `Error: ${text}` : text };
}

function toolsOf(tools: unknown, dropped: Set<string>): ChatTool[] {
  if (!Array.isArray(tools)) return [];
  const out: ChatTool[] = [];
  for (const tool of tools) {
    // Server tools (web_search_..., bash_..., text_editor_...) run at Anthropic and have no schema here.
    if (!isRecord(tool) || typeof tool.name !== 'string' || !isRecord(tool.input_schema)) {
      dropped.add(`tool ${isRecord(tool) ? String(tool.name ?? tool.type) : '?'}`);
      continue;
    }
    const fn: ChatTool['function'] = { name: tool.name, parameters: tool.input_schema };
    if (typeof tool.description === 'string') fn.description = tool.description;
    out.push({ type: 'function', function: fn });
  }
  return out;
}

function applyToolChoice(out: ChatRequest, choice: unknown, haveTools: boolean): void {
  if (!isRecord(choice) || !haveTools) return;
  const mapped: Record<string, ChatToolChoice> = { auto: 'auto', any: 'required', none: 'none' };
  if (choice.type === 'tool' && typeof choice.name === 'string') {
    out.tool_choice = { type: 'function', function: { name: choice.name } };
  } else if (typeof choice.type === 'string' && mapped[choice.type]) out.tool_choice = mapped[choice.type]!;
  if (choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
}
