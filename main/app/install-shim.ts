import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { delimiter, dirname, join, resolve, win32 } from 'node:path';

/** What happened, told to the user as is. */
export interface ShimResult {
  ok: boolean;
  message: string;
  /** How to take it back (empty when nothing changed). */
  undo: string;
}

/** The `cco` launcher to put on PATH: the shipped shim, or the checkout's bin/cco.js when run from source. */
export function shimSource(options: { packaged: boolean; resourcesPath: string; appPath: string; platform: NodeJS.Platform }): string {
  if (!options.packaged) return join(options.appPath, 'bin', 'cco.js');
  return join(options.resourcesPath, 'bin', options.platform === 'win32' ? 'cco.cmd' : 'cco');
}

export interface UnixTarget {
  dir: string;
  /** The directory needs an administrator's permission (macOS asks with its own password dialog). */
  elevate: boolean;
}

/**
 * /usr/local/bin when we may write there; on macOS, where it is the usual place and the OS can ask
 * for permission, still there with elevation; on Linux ~/.local/bin instead (no sudo from a tray).
 */
export function unixTarget(options: { platform: NodeJS.Platform; home: string; systemDir?: string; writable(dir: string): boolean }): UnixTarget {
  const systemDir = options.systemDir ?? '/usr/local/bin';
  if (options.writable(systemDir)) return { dir: systemDir, elevate: false };
  if (options.platform === 'darwin') return { dir: systemDir, elevate: true };
  return { dir: join(options.home, '.local', 'bin'), elevate: false };
}

export function isWritableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The shell command an elevated helper runs (macOS: osascript "with administrator privileges"). */
export function elevatedLinkCommand(source: string, link: string): string {
  return `mkdir -p ${shQuote(dirname(link))} && ln -sfn ${shQuote(source)} ${shQuote(link)}`;
}

/** The AppleScript that runs a shell command after macOS asks for an administrator's password. */
export function appleScriptFor(command: string): string {
  return `do shell script "${command.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}" with administrator privileges`;
}

type Existing = { kind: 'none' } | { kind: 'ours' } | { kind: 'cco-link'; target: string } | { kind: 'foreign'; what: string };

/** A link to any `bin/cco` or `bin/cco.js` is an earlier CCO install and may be replaced; anything else is not ours to touch. */
function existingAt(link: string, source: string): Existing {
  let stat: Stats;
  try {
    stat = lstatSync(link);
  } catch {
    return { kind: 'none' };
  }
  if (!stat.isSymbolicLink()) return { kind: 'foreign', what: 'a file that is not a link' };
  const target = readlinkSync(link);
  if (resolve(dirname(link), target) === resolve(source)) return { kind: 'ours' };
  if (/(^|[\\/])bin[\\/]cco(\.js)?$/.test(target)) return { kind: 'cco-link', target };
  return { kind: 'foreign', what: `a link to ${target}` };
}

function onPath(dir: string, pathEnv: string): boolean {
  return pathEnv.split(delimiter).some((entry) => entry !== '' && resolve(entry) === resolve(dir));
}

/**
 * Links `<dir>/cco` to the shim. Never overwrites something that is not a CCO link; elevation,
 * when the target needs it, goes through `runElevated` (the caller's OS prompt).
 */
export async function linkShim(options: {
  source: string;
  target: UnixTarget;
  pathEnv: string;
  runElevated?: (command: string) => Promise<void>;
}): Promise<ShimResult> {
  const { source, target } = options;
  const link = join(target.dir, 'cco');
  const existing = existingAt(link, source);
  const pathNote = onPath(target.dir, options.pathEnv)
    ? ''
    : ` ${target.dir} is not on your PATH yet: add it (e.g. echo 'export PATH="${target.dir}:$PATH"' >> ~/.profile) and open a new terminal.`;
  const undo = `To undo: ${target.elevate ? 'sudo ' : ''}rm ${shQuote(link)}`;
  if (existing.kind === 'ours') return { ok: true, message: `\`cco\` is already installed: ${link} → ${source}.${pathNote}`, undo };
  if (existing.kind === 'foreign') {
    return { ok: false, message: `Did not install \`cco\`: ${link} already exists (${existing.what}). Remove or rename it, then try again.`, undo: '' };
  }
  try {
    if (target.elevate) {
      if (!options.runElevated) throw new Error(`${target.dir} needs an administrator's permission`);
      await options.runElevated(elevatedLinkCommand(source, link));
    } else {
      mkdirSync(target.dir, { recursive: true });
      if (existing.kind === 'cco-link') unlinkSync(link);
      symlinkSync(source, link);
    }
  } catch (error) {
    return { ok: false, message: `Could not install \`cco\` into ${target.dir}: ${(error as Error).message}`, undo: '' };
  }
  const replaced = existing.kind === 'cco-link' ? ` (replacing the earlier link to ${existing.target})` : '';
  return { ok: true, message: `Installed \`cco\`: ${link} → ${source}${replaced}. Open a new terminal and run \`cco\`.${pathNote}`, undo };
}

/** The user PATH with `dir` appended, or null when it is already there (Windows compares case-insensitively). */
export function windowsUserPathWith(current: string, dir: string): string | null {
  const entries = current.split(';').filter((e) => e.trim() !== '');
  const norm = (p: string) => win32.normalize(p).replace(/\\+$/, '').toLowerCase();
  if (entries.some((e) => norm(e) === norm(dir))) return null;
  return [...entries, dir].join(';');
}

/** Windows: the shim's folder goes on the user PATH (a .cmd behind a link would see the link's folder). */
export async function addShimDirToWindowsPath(options: {
  shimDir: string;
  readUserPath(): Promise<string>;
  writeUserPath(value: string): Promise<void>;
}): Promise<ShimResult> {
  const undo = `To undo: remove ${options.shimDir} from Path in "Edit environment variables for your account".`;
  try {
    const next = windowsUserPathWith(await options.readUserPath(), options.shimDir);
    if (next === null) return { ok: true, message: `\`cco\` is already on your PATH (${options.shimDir}).`, undo };
    await options.writeUserPath(next);
  } catch (error) {
    return { ok: false, message: `Could not add ${options.shimDir} to your PATH: ${(error as Error).message}`, undo: '' };
  }
  return { ok: true, message: `Added ${options.shimDir} to your user PATH. Open a new terminal and run \`cco\`.`, undo };
}
