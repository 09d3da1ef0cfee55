import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { errorMessage } from './format.js';
import type { Logger } from './logger.js';

export interface Watcher {
  close(): void;
}

/** Editors write in several steps (truncate, write, rename); one reload after they settle is enough. */
const SETTLE_MS = 50;

/**
 * Calls `onChange` once when `file` changes (model-routing.json in the daemon, settings.json in the
 * app). The directory is watched, not the file: editors and atomic writers replace the file, which
 * would leave a watch on the old one deaf. The watch does not keep the process alive.
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
    logger.warn(`Cannot watch ${file} for changes (${errorMessage(error)}); restart to apply edits`);
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
