import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { CredentialKind } from '../anthropic/credential.js';
import type { QuotaReading } from './headers.js';
import { errorMessage } from '../../common/format.js';

/** The latest reading for one credential, named by its fingerprint only. */
export interface QuotaEntry {
  fingerprint: string;
  kind: CredentialKind;
  /** Epoch milliseconds. */
  observedAt: number;
  reading: QuotaReading;
}

export interface QuotaState {
  /** Per install; makes fingerprints unlinkable across machines. Lives only in this private file. */
  salt: string;
  entries: QuotaEntry[];
}

const VERSION = 1;

function isEntry(value: unknown): value is QuotaEntry {
  const e = value as Partial<QuotaEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.fingerprint === 'string' && typeof e.observedAt === 'number'
    && typeof e.reading === 'object' && e.reading !== null && Array.isArray(e.reading.windows);
}

/**
 * Reads the saved state. A missing file starts fresh; a damaged one is reported through `onError`
 * and also starts fresh (readings are refreshed by the next response anyway).
 */
export function loadQuotaState(file: string, onError: (message: string) => void): QuotaState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(`Cannot read ${file}: ${errorMessage(error)}`);
    return { salt: randomBytes(16).toString('hex'), entries: [] };
  }
  try {
    const raw = JSON.parse(text) as { version?: unknown; salt?: unknown; entries?: unknown };
    if (typeof raw.salt !== 'string' || raw.salt.length < 16) throw new Error('no salt');
    const entries = Array.isArray(raw.entries) ? raw.entries.filter(isEntry) : [];
    return { salt: raw.salt, entries };
  } catch (error) {
    onError(`Ignoring damaged ${file} (${errorMessage(error)}); plan usage is read again from the next response`);
    return { salt: randomBytes(16).toString('hex'), entries: [] };
  }
}

/** Written whole to a temporary file then renamed, so a crash leaves the old or the new, never half. */
export function saveQuotaState(file: string, state: QuotaState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: VERSION, ...state })}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the umask may have loosened the create mode
  renameSync(tmp, file);
}
