const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipSpace(buf: Buffer, i: number): number {
  while (isSpace(buf[i])) i++;
  return i;
}

/** Index just past the string that opens at `i`. Jumps from quote to quote with native indexOf. */
function skipString(buf: Buffer, i: number): number {
  let q = i;
  for (;;) {
    q = buf.indexOf(QUOTE, q + 1);
    if (q === -1) return buf.length;
    let backslashes = 0;
    while (buf[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
}

/** Index just past the JSON value that starts at `i` (the text is already known to be valid JSON). */
function skipValue(buf: Buffer, i: number): number {
  const first = buf[i];
  if (first === QUOTE) return skipString(buf, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    while (i < buf.length && buf[i] !== COMMA && buf[i] !== CLOSE_BRACE && buf[i] !== CLOSE_BRACKET && !isSpace(buf[i])) i++;
    return i;
  }
  let depth = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b === QUOTE) {
      i = skipString(buf, i);
      continue;
    }
    if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

/**
 * Where each top-level member's value lies in a JSON object's bytes, so a hash can read the
 * client's own bytes instead of re-serialising an 80 KB body. Returns null if `buf` is not an
 * object. Assumes the text already parsed as JSON.
 */
export function topLevelSpans(buf: Buffer): Map<string, [number, number]> | null {
  let i = skipSpace(buf, 0);
  if (buf[i] !== OPEN_BRACE) return null;
  const spans = new Map<string, [number, number]>();
  i = skipSpace(buf, i + 1);
  while (i < buf.length && buf[i] !== CLOSE_BRACE) {
    if (buf[i] !== QUOTE) return null;
    const keyEnd = skipString(buf, i);
    const key = JSON.parse(buf.toString('utf8', i, keyEnd)) as string;
    i = skipSpace(buf, keyEnd);
    if (buf[i] !== COLON) return null;
    const start = skipSpace(buf, i + 1);
    const end = skipValue(buf, start);
    spans.set(key, [start, end]);
    i = skipSpace(buf, end);
    if (buf[i] === COMMA) i = skipSpace(buf, i + 1);
  }
  return spans;
}
