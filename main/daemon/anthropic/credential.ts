import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * `subscription`: a Claude Pro/Max login (an OAuth bearer token, `sk-ant-oat…`), paid by the plan,
 * not per token. `api-key`: pay-as-you-go. `none`: the request carried no credential.
 */
export type CredentialKind = 'api-key' | 'subscription' | 'none';

export interface Credential {
  kind: CredentialKind;
  /** The secret itself; only ever hashed, never stored, logged or answered. */
  secret: string | null;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Which credential a request to the Messages API carries (`x-api-key` wins, as upstream). */
export function credentialOf(headers: IncomingHttpHeaders): Credential {
  const apiKey = first(headers['x-api-key'])?.trim();
  if (apiKey) return { kind: apiKey.startsWith('sk-ant-oat') ? 'subscription' : 'api-key', secret: apiKey };
  const bearer = /^bearer\s+(\S+)/i.exec(first(headers.authorization) ?? '')?.[1];
  // Claude Code sends its plan login as an OAuth bearer token; an API key never travels as a bearer.
  if (bearer) return { kind: 'subscription', secret: bearer };
  return { kind: 'none', secret: null };
}

/**
 * A stable, non-reversible name for a credential: a salted SHA-256, cut to 16 hex digits. The salt
 * is per install, so the same key gives different fingerprints on different machines.
 */
export function fingerprint(secret: string, salt: string): string {
  return createHash('sha256').update(salt).update('\0').update(secret).digest('hex').slice(0, 16);
}
