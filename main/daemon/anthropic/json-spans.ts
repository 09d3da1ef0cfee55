const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Where one value lies in a buffer: [start, end). */
export type Span = [number, number];

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipSpace(buf: Buffer, i: number): number {
  while (isSpace(buf[i])) i++;
  return i;
}

/** Index just past the string that opens at `i`, or -1 if it never closes. Jumps quote to quote with native indexOf. */
function skipString(buf: Buffer, i: number): number {
  let q = i;
  for (;;) {
    q = buf.indexOf(QUOTE, q + 1);
    if (q === -1) return -1;
    let backslashes = 0;
    while (buf[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
}

/** A number or literal (`true`, `false`, `null`) ends at a delimiter; its characters are checked loosely. */
function skipScalar(buf: Buffer, i: number): number {
  const start = i;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || isSpace(b)) break;
    // Digits, sign, point, exponent, and the letters of the three literals.
    if (!((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || (b >= 0x61 && b <= 0x7a) || b === 0x45)) return -1;
    i++;
  }
  return i > start ? i : -1;
}

/**
 * Index just past the JSON value that starts at `i`, or -1 where the bytes cannot be JSON: an
 * unclosed string, object or array, a bracket closed by the wrong kind, a stray character. What
 * lies inside nested values is not checked token by token (see topLevelSpans).
 */
function skipValue(buf: Buffer, i: number): number {
  const first = buf[i];
  if (first === QUOTE) return skipString(buf, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return skipScalar(buf, i);
  const open: number[] = [];
  while (i < buf.length) {
    const b = buf[i];
    if (b === QUOTE) {
      i = skipString(buf, i);
      if (i === -1) return -1;
      continue;
    }
    if (b === OPEN_BRACE || b === OPEN_BRACKET) open.push(b);
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (open.pop() !== (b === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET)) return -1;
      if (open.length === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

function keyOf(buf: Buffer, start: number, end: number): string {
  // Keys are plain ASCII in practice; only an escaped one needs JSON's own decoding.
  const escaped = buf.indexOf(BACKSLASH, start);
  if (escaped === -1 || escaped >= end) return buf.toString('utf8', start + 1, end - 1);
  return JSON.parse(buf.toString('utf8', start, end)) as string;
}

/**
 * Where each top-level member's value lies in a JSON object's bytes, so the key fields can be read
 * and a hash can take the client's own bytes without parsing or re-serialising a body of
 * megabytes. Returns null if `buf` is not an object: not one, unclosed, trailing text, a missing
 * colon or comma, unbalanced brackets. Nested values are checked for balance only, not token by
 * token: a body that passes this scan but is still not JSON is refused by whoever parses it.
 */
export function topLevelSpans(buf: Buffer): Map<string, Span> | null {
  let i = skipSpace(buf, 0);
  if (buf[i] !== OPEN_BRACE) return null;
  const spans = new Map<string, Span>();
  i = skipSpace(buf, i + 1);
  if (buf[i] === CLOSE_BRACE) return skipSpace(buf, i + 1) === buf.length ? spans : null;
  for (;;) {
    if (buf[i] !== QUOTE) return null;
    const keyEnd = skipString(buf, i);
    if (keyEnd === -1) return null;
    const key = keyOf(buf, i, keyEnd);
    i = skipSpace(buf, keyEnd);
    if (buf[i] !== COLON) return null;
    const start = skipSpace(buf, i + 1);
    const end = skipValue(buf, start);
    if (end === -1) return null;
    spans.set(key, [start, end]);
    i = skipSpace(buf, end);
    if (buf[i] === COMMA) i = skipSpace(buf, i + 1);
    else if (buf[i] === CLOSE_BRACE) return skipSpace(buf, i + 1) === buf.length ? spans : null;
    else return null;
  }
}
