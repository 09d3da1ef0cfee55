import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { probePort } from '../common/port-probe.js';
import { ensurePrivateDir } from '../common/private-fs.js';
import { CliError, errorCode } from './errors.js';
import { errorMessage } from '../common/format.js';

export { probePort };

export function portInUseError(port: number): CliError {
  const finder = process.platform === 'win32'
    ? `netstat -ano | findstr :${port}`
    : `lsof -i :${port}  (or: ss -ltnp | grep :${port})`;
  return new CliError(`Port ${port} is already in use by another program`, 1, [
    `Find it with: ${finder}`,
    `Stop that program, or use another port: cco --port ${port + 1 <= 65535 ? port + 1 : 3001} ...`,
    `(or set CCO_PORT, or "port" in settings.json)`,
  ]);
}

export async function assertPortFree(host: string, port: number): Promise<void> {
  const state = await probePort(host, port);
  if (state === 'in-use') throw portInUseError(port);
  if (state === 'denied') throw portDeniedError(host, port);
}

export function portDeniedError(host: string, port: number): CliError {
  return new CliError(`Not allowed to listen on ${host}:${port}`, 1, [
    'Ports below 1024 need elevated rights; choose a port from 1024 up with --port.',
  ]);
}

/** Creates the directory (and a file's parent) and proves it is writable, naming the fix if not. */
export function assertWritableDir(dir: string): void {
  try {
    ensurePrivateDir(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw dataDirError(dir, errorCode(error) ?? errorMessage(error));
  }
}

export function dataDirError(dir: string, code: string): CliError {
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const file = fileInTheWay(dir);
    return new CliError(`The data directory cannot be created: ${dir} (${code}: ${file} is a file, not a directory)`, 1, [
      'Move that file away, or point CCO_HOME to another directory.',
    ]);
  }
  if (code === 'EROFS') {
    return new CliError(`The data directory is on a read-only file system: ${dir}`, 1, [
      'Point CCO_HOME to a directory on a writable file system.',
    ]);
  }
  const fix = process.platform === 'win32'
    ? `Give your user write access to "${dir}" (Properties > Security)`
    : `Fix the permissions: chmod u+rwx "${dir}"  (or: sudo chown -R "$(id -un)" "${dir}")`;
  return new CliError(`The data directory is not writable: ${dir} (${code})`, 1, [
    fix,
    'Or point CCO_HOME to a writable directory.',
  ]);
}

/** The nearest existing path at or above `dir` that is not a directory: what blocks creating it. */
function fileInTheWay(dir: string): string {
  for (let path = dir; ; path = dirname(path)) {
    try {
      if (!statSync(path).isDirectory()) return path;
    } catch {
      // Missing (or unreadable): look one level up.
    }
    if (dirname(path) === path) return dir;
  }
}

export function assertWritableParent(file: string): void {
  assertWritableDir(dirname(file));
}
