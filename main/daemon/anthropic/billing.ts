export const BILLING_PREFIX = 'x-anthropic-billing-header:';

/**
 * Claude Code's first system block is a billing line that changes with every version (and, in
 * newer ones, every request). It does not shape the answer, so the key leaves it out.
 */
export function withoutBillingLine(system: unknown): unknown {
  if (typeof system === 'string') {
    if (!system.startsWith(BILLING_PREFIX)) return system;
    const newline = system.indexOf('\n');
    return newline === -1 ? '' : system.slice(newline + 1);
  }
  if (!Array.isArray(system)) return system;
  const kept = system.filter((b) => !(isTextBlock(b) && b.text.startsWith(BILLING_PREFIX)));
  return kept.length === system.length ? system : kept;
}

function isTextBlock(value: unknown): value is { type: 'text'; text: string } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'text'
    && typeof (value as { text?: unknown }).text === 'string';
}
