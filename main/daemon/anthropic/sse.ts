import { StringDecoder } from 'node:string_decoder';
import type { SseEvent } from './types.js';

/**
 * Incremental Server-Sent Events parser (the subset of the spec the Anthropic API uses: `event:`
 * and `data:` fields, comments, any line ending). Chunks may split anywhere, even inside a UTF-8
 * character. Only the unfinished tail is kept between chunks, so each byte is scanned once.
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';
  private event = '';
  private data: string[] = [];
  private pendingCR = false;

  push(chunk: Buffer | Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    // A CR at the end of the previous chunk may be the first half of a CRLF.
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    const out: SseEvent[] = [];
    const buf = this.tail + text;
    let start = 0;
    // Anthropic streams use LF only: find CRs once, and look again only past the one found.
    let cr = buf.indexOf('\r');
    for (;;) {
      const lf = buf.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = buf.indexOf('\r', start);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) break;
      this.line(buf.slice(start, end), out);
      if (buf[end] !== '\r') start = end + 1;
      else if (end + 1 === buf.length) {
        this.pendingCR = true;
        start = end + 1;
      } else start = buf[end + 1] === '\n' ? end + 2 : end + 1;
    }
    this.tail = buf.slice(start);
    return out;
  }

  /** End of input. Per the spec an event not closed by a blank line is discarded. */
  flush(): SseEvent[] {
    this.decoder.end();
    this.tail = '';
    this.event = '';
    this.data = [];
    return [];
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

export function formatSse(event: string, data: string | object): string {
  return `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
