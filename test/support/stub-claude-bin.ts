import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled stub (dist/test/support/stub-claude.js), next to this file once built. */
export const STUB_SCRIPT = fileURLToPath(new URL('./stub-claude.js', import.meta.url));

/**
 * Installs the stub as an executable `name` in `binDir`. A sh wrapper that execs node, so the
 * stub is the process cco signals, and paths with spaces are safe (a #! line would not be).
 */
export function installStubClaude(binDir: string, name = 'claude'): string {
  const path = join(binDir, name);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(path, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(STUB_SCRIPT)} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}
