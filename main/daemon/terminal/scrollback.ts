/**
 * The recent output of one session, bounded in bytes, replayed when a page reattaches. Whole
 * chunks are dropped from the front, so no character is ever cut; only a single chunk larger than
 * the bound is trimmed, at a code-point boundary.
 */
export class Scrollback {
  private chunks: string[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(text: string): void {
    if (text === '') return;
    this.chunks.push(text);
    this.bytes += Buffer.byteLength(text);
    while (this.bytes > this.maxBytes && this.chunks.length > 1) {
      this.bytes -= Buffer.byteLength(this.chunks.shift()!);
    }
    if (this.bytes > this.maxBytes) {
      const only = tailWithin(this.chunks[0]!, this.maxBytes);
      this.chunks = [only];
      this.bytes = Buffer.byteLength(only);
    }
  }

  text(): string {
    return this.chunks.join('');
  }

  get size(): number {
    return this.bytes;
  }
}

/** The longest tail of `text` that fits in `maxBytes` of UTF-8, never starting inside a surrogate pair. */
function tailWithin(text: string, maxBytes: number): string {
  const encoded = Buffer.from(text);
  let start = encoded.length - maxBytes;
  while (start < encoded.length && (encoded[start]! & 0xc0) === 0x80) start++; // skip continuation bytes
  return encoded.subarray(start).toString();
}
