import type { ContentBlock, Message, Usage } from './types.js';
import { formatSse } from './sse.js';

const TOOL_BLOCKS = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

/**
 * A stored Message as a well-formed Anthropic stream: message_start, each block as start, deltas,
 * stop, then message_delta and message_stop. Blocks with no delta form go out whole in their start.
 */
export function messageToSse(message: Message): string {
  const parts: string[] = [formatSse('message_start', { type: 'message_start', message: startOf(message) })];
  message.content.forEach((block, index) => {
    parts.push(...blockEvents(block, index));
  });
  parts.push(
    formatSse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: message.usage,
    }),
    formatSse('message_stop', { type: 'message_stop' }),
  );
  return parts.join('');
}

function startOf(message: Message): Message {
  // As in a live stream: the final output count arrives in message_delta, not here.
  const usage: Usage = { ...message.usage, output_tokens: Math.min(1, message.usage.output_tokens ?? 0) };
  return { ...message, content: [], stop_reason: null, stop_sequence: null, usage };
}

function blockEvents(block: ContentBlock, index: number): string[] {
  const [empty, deltas] = split(block);
  return [
    formatSse('content_block_start', { type: 'content_block_start', index, content_block: empty }),
    ...deltas.map((delta) => formatSse('content_block_delta', { type: 'content_block_delta', index, delta })),
    formatSse('content_block_stop', { type: 'content_block_stop', index }),
  ];
}

/** A block's empty starting form and the deltas that fill it in. */
function split(block: ContentBlock): [ContentBlock, object[]] {
  if (block.type === 'text') {
    const { text, citations, ...rest } = block;
    const list = Array.isArray(citations) ? citations : undefined;
    const empty: ContentBlock = { ...rest, type: 'text', text: '', ...(list ? { citations: [] } : {}) };
    const deltas: object[] = (list ?? []).map((citation: unknown) => ({ type: 'citations_delta', citation }));
    if (typeof text === 'string' && text !== '') deltas.push({ type: 'text_delta', text });
    return [empty, deltas];
  }
  if (TOOL_BLOCKS.has(block.type)) {
    const input = JSON.stringify(block.input ?? {});
    return [{ ...block, input: {} }, input === '{}' ? [] : [{ type: 'input_json_delta', partial_json: input }]];
  }
  if (block.type === 'thinking') {
    const deltas: object[] = [];
    if (block.thinking) deltas.push({ type: 'thinking_delta', thinking: block.thinking });
    if (block.signature !== undefined) deltas.push({ type: 'signature_delta', signature: block.signature });
    return [{ ...block, thinking: '', signature: '' }, deltas];
  }
  return [block, []];
}
