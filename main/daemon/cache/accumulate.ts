import type { ContentBlock, Message, SseEvent, Usage } from '../anthropic/types.js';

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
 * Rebuilds the final Message from an Anthropic stream, the way the official SDK does, so a
 * streamed answer can be cached and later served in either form.
 */
export class MessageAccumulator {
  private msg: Message | undefined;
  private readonly json = new Map<number, string>();
  private done = false;
  private broken = false;

  get complete(): boolean {
    return this.done && !this.broken && this.msg !== undefined;
  }

  get failed(): boolean {
    return this.broken;
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
    this.step(parsed);
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
