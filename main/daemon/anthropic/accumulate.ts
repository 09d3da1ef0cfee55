import type { ContentBlock, Message, SseEvent, Usage } from './types.js';

interface Delta {
  type?: string;
  text?: string;
  partial_json?: string;
  thinking?: string;
  signature?: string;
  citation?: unknown;
  stop_reason?: string | null;
  stop_sequence?: string | null;
}

interface StreamEvent {
  type?: string;
  index?: number;
  message?: Message;
  content_block?: ContentBlock;
  delta?: Delta;
  usage?: Usage;
}

/**
 * The fields of each event, and of each delta type, that replay (cache/replay.ts) reproduces. An
 * answer with anything else (a new event, delta type or field the API added) is not stored: it
 * would be replayed without it to every later identical request.
 */
const EVENT_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  message_start: new Set(['type', 'message']),
  content_block_start: new Set(['type', 'index', 'content_block']),
  content_block_delta: new Set(['type', 'index', 'delta']),
  content_block_stop: new Set(['type', 'index']),
  message_delta: new Set(['type', 'delta', 'usage']),
  message_stop: new Set(['type']),
};

const DELTA_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  text_delta: new Set(['type', 'text']),
  input_json_delta: new Set(['type', 'partial_json']),
  thinking_delta: new Set(['type', 'thinking']),
  signature_delta: new Set(['type', 'signature']),
  citations_delta: new Set(['type', 'citation']),
};

const MESSAGE_DELTA_FIELDS: ReadonlySet<string> = new Set(['stop_reason', 'stop_sequence']);

function onlyKnown(value: object, known: ReadonlySet<string>): boolean {
  for (const key in value) if (!known.has(key)) return false;
  return true;
}

/**
 * Rebuilds the final Message from an Anthropic stream, the way the official SDK does, so a
 * streamed answer can be cached and later served in either form.
 */
export class MessageAccumulator {
  private msg: Message | undefined;
  private readonly json = new Map<number, string>();
  private done = false;
  private broken = false;
  private unknown = false;

  get complete(): boolean {
    return this.done && !this.broken && this.msg !== undefined;
  }

  get failed(): boolean {
    return this.broken;
  }

  /** The stream held an event, delta or field replay cannot reproduce: pass it on, never store it. */
  get uncacheable(): boolean {
    return this.unknown;
  }

  message(): Message | undefined {
    return this.msg;
  }

  apply(ev: SseEvent): void {
    if (this.broken || ev.event === 'ping') return;
    if (ev.event === 'error') {
      this.broken = true;
      return;
    }
    let parsed: StreamEvent;
    try {
      parsed = JSON.parse(ev.data) as StreamEvent;
    } catch {
      this.broken = true;
      return;
    }
    if (!this.understood(ev.event, parsed)) this.unknown = true;
    this.step(parsed);
  }

  /** Whether replay reproduces this event whole: a known type, known fields, a known delta. */
  private understood(name: string, e: StreamEvent): boolean {
    const fields = typeof e.type === 'string' && e.type === name ? EVENT_FIELDS[e.type] : undefined;
    if (!fields || !onlyKnown(e, fields)) return false;
    if (e.type === 'message_delta') return e.delta === undefined || onlyKnown(e.delta, MESSAGE_DELTA_FIELDS);
    if (e.type !== 'content_block_delta') return true;
    const deltaFields = typeof e.delta?.type === 'string' ? DELTA_FIELDS[e.delta.type] : undefined;
    return deltaFields !== undefined && onlyKnown(e.delta!, deltaFields);
  }

  private step(e: StreamEvent): void {
    switch (e.type) {
      case 'message_start':
        if (e.message) this.msg = { ...e.message, content: [...(e.message.content ?? [])], usage: { ...e.message.usage } };
        return;
      case 'content_block_start':
        if (this.msg && e.content_block && e.index !== undefined) this.msg.content[e.index] = { ...e.content_block };
        return;
      case 'content_block_delta':
        this.delta(e.index, e.delta);
        return;
      case 'content_block_stop':
        this.closeBlock(e.index);
        return;
      case 'message_delta':
        if (!this.msg) return;
        if (e.delta && 'stop_reason' in e.delta) this.msg.stop_reason = e.delta.stop_reason ?? null;
        if (e.delta && 'stop_sequence' in e.delta) this.msg.stop_sequence = e.delta.stop_sequence ?? null;
        if (e.usage) this.msg.usage = { ...this.msg.usage, ...stripNulls(e.usage) };
        return;
      case 'message_stop':
        this.done = true;
        return;
      default:
    }
  }

  private delta(index: number | undefined, d: Delta | undefined): void {
    const block = index === undefined ? undefined : this.msg?.content[index];
    if (!block || !d || index === undefined) return;
    switch (d.type) {
      case 'text_delta':
        block.text = String(block.text ?? '') + (d.text ?? '');
        return;
      case 'input_json_delta':
        this.json.set(index, (this.json.get(index) ?? '') + (d.partial_json ?? ''));
        return;
      case 'thinking_delta':
        block.thinking = String(block.thinking ?? '') + (d.thinking ?? '');
        return;
      case 'signature_delta':
        block.signature = d.signature;
        return;
      case 'citations_delta':
        block.citations = [...((block.citations as unknown[] | undefined) ?? []), d.citation];
        return;
      default:
    }
  }

  private closeBlock(index: number | undefined): void {
    if (index === undefined || !this.json.has(index)) return;
    const block = this.msg?.content[index];
    const text = this.json.get(index)!;
    this.json.delete(index);
    if (!block) return;
    try {
      block.input = text === '' ? {} : JSON.parse(text);
    } catch {
      this.broken = true;
    }
  }
}

/** message_delta usage may carry nulls for counts it does not restate; keep the earlier values. */
function stripNulls(usage: Usage): Usage {
  return Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== null)) as Usage;
}
