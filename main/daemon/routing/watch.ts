import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../common/logger.js';

export interface Watcher {
  close(): void;
}

/** Editors write in several steps (truncate, write, rename); one reload after they settle is enough. */
const SETTLE_MS = 50;

/**
 * Calls `onChange` when `file` changes. The directory is watched, not the file: editors and
 * atomic writers replace the file, which would leave a watch on the old one deaf.
 */
export function watchFile(file: string, onChange: () => void, logger: Logger): Watcher {
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed.toString() !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, SETTLE_MS);
    });
  } catch (error) {
    logger.warn(`Cannot watch ${file} for changes (${(error as Error).message}); restart the daemon to apply edits`);
    return { close() {} };
  }
  watcher.on('error', (error) => logger.warn(`Stopped watching ${file}: ${error.message}`));
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
