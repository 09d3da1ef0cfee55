import { type Span, topLevelSpans } from './json-spans.js';

const TRUE = Buffer.from('true');

/**
 * A Messages API request as the client sent it: its bytes, where each top-level field lies in
 * them, and its fields parsed one at a time on demand. A cache hit and a plain Anthropic miss
 * never parse the whole body (megabytes with a long context): the key hashes the client's bytes,
 * the route needs `model`, `stream` and `thinking`, and the bytes go upstream as they came. Only
 * a translation to another provider's format, or a rewrite of the messages, parses it all.
 */
export class MessagesRequest {
  private parsed: Record<string, unknown> | undefined;
  private readonly values = new Map<string, unknown>();

  private constructor(
    readonly raw: Buffer,
    /** Null when the body came as a parsed object (see fromBody). */
    readonly spans: ReadonlyMap<string, Span> | null,
    parsed?: Record<string, unknown>,
  ) {
    this.parsed = parsed;
  }

  /** Null unless the bytes are a JSON object at the top level (see topLevelSpans for what is checked). */
  static scan(raw: Buffer): MessagesRequest | null {
    const spans = topLevelSpans(raw);
    return spans ? new MessagesRequest(raw, spans) : null;
  }

  /** A request whose body is already parsed; `raw` stays what goes upstream. */
  static fromBody(raw: Buffer, body: Record<string, unknown>): MessagesRequest {
    return new MessagesRequest(raw, null, body);
  }

  /** One top-level field, parsed alone. Throws a SyntaxError if its bytes are not JSON. */
  field(name: string): unknown {
    if (this.parsed || !this.spans) return this.parsed?.[name];
    if (this.values.has(name)) return this.values.get(name);
    const span = this.spans.get(name);
    const value = span ? JSON.parse(this.raw.toString('utf8', span[0], span[1])) : undefined;
    this.values.set(name, value);
    return value;
  }

  /** One field, or undefined if its bytes are not JSON (that request is refused upstream). */
  safeField(name: string): unknown {
    try {
      return this.field(name);
    } catch {
      return undefined;
    }
  }

  get model(): string | null {
    const model = this.safeField('model');
    return typeof model === 'string' ? model : null;
  }

  get stream(): boolean {
    if (this.parsed || !this.spans) return this.parsed?.stream === true;
    const span = this.spans.get('stream');
    return span !== undefined && span[1] - span[0] === 4 && this.raw.compare(TRUE, 0, 4, span[0], span[1]) === 0;
  }

  /** The whole body, parsed once. Throws a SyntaxError if it is not JSON. */
  body(): Record<string, unknown> {
    this.parsed ??= JSON.parse(this.raw.toString('utf8')) as Record<string, unknown>;
    return this.parsed;
  }

  /** The client's bytes with only `model` replaced, spliced rather than re-serialised. */
  withModel(model: string): Buffer {
    const span = this.spans?.get('model');
    if (!span) return Buffer.from(JSON.stringify({ ...this.body(), model }));
    return Buffer.concat([this.raw.subarray(0, span[0]), Buffer.from(JSON.stringify(model)), this.raw.subarray(span[1])]);
  }
}
