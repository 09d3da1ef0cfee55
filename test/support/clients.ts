import Anthropic from '@anthropic-ai/sdk';

export const TEST_KEY = 'sk-ant-test-key-000000000000000000';

/** The official SDK pointed at a base URL, with retries off so every failure is visible. */
export function sdk(baseURL: string, options: { apiKey?: string; defaultHeaders?: Record<string, string> } = {}): Anthropic {
  return new Anthropic({
    baseURL,
    apiKey: options.apiKey ?? TEST_KEY,
    maxRetries: 0,
    defaultHeaders: options.defaultHeaders ?? {},
  });
}

export function userMessage(text: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) {
  return {
    model: 'claude-opus-4-8',
    max_tokens: 256,
    messages: [{ role: 'user' as const, content: text }],
    ...extra,
  };
}

/** Sends raw bytes with raw headers, for tests that check the wire itself. */
export async function rawPost(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers });
}
