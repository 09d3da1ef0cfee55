/**
 * The slice of the Anthropic Messages wire format the daemon reads. Everything else in a body is
 * carried through untouched, so these types stay open (index signatures) on purpose.
 */
export interface ContentBlock {
  type: string;
  [field: string]: unknown;
}

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  [field: string]: unknown;
}

export interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: Usage;
  [field: string]: unknown;
}

/** One Server-Sent Event as it appears on the wire. `data` is the raw (JSON) text. */
export interface SseEvent {
  event: string;
  data: string;
}

export interface ErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export function errorBody(type: string, message: string): ErrorBody {
  return { type: 'error', error: { type, message } };
}
