import { readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FileContext } from './parse.js';
import { errorMessage } from '../../common/format.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Claude Code's configuration directory: `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export function claudeConfigDir(env: Env = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME ?? homedir(), '.claude');
}

export interface TranscriptFile extends FileContext {
  size: number;
  mtimeMs: number;
}

export class TranscriptDirError extends Error {
  override name = 'TranscriptDirError';
}

const SESSION_FILE = /^(.+)\.jsonl$/;
const AGENT_FILE = /^agent-(.+)\.jsonl$/;

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

async function fileInfo(file: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch {
    return null; // gone between the listing and now
  }
}

/** `agent-<id>.meta.json`'s `agentType`; a missing or damaged meta file leaves it unknown. */
async function agentType(metaFile: string): Promise<string | null> {
  try {
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as { agentType?: unknown };
    return typeof meta.agentType === 'string' && meta.agentType !== '' ? meta.agentType : null;
  } catch {
    return null;
  }
}

async function subagentFiles(projectDir: string, sessionId: string, project: string): Promise<TranscriptFile[]> {
  const dir = join(projectDir, sessionId, 'subagents');
  const found: TranscriptFile[] = [];
  for (const name of (await entries(dir)).sort()) {
    const agentId = AGENT_FILE.exec(name)?.[1];
    if (!agentId) continue;
    const file = join(dir, name);
    const info = await fileInfo(file);
    if (!info) continue;
    const type = await agentType(join(dir, `agent-${agentId}.meta.json`));
    found.push({ file, sessionId, projectDir: project, agentId, agentType: type, ...info });
  }
  return found;
}

/**
 * Every transcript under `<claudeDir>/projects`: `<dashed cwd>/<sessionId>.jsonl` and its
 * subagents' `<sessionId>/subagents/agent-<id>.jsonl`. An unreadable directory is a clear error.
 */
export async function listTranscripts(claudeDir: string): Promise<TranscriptFile[]> {
  const projects = join(claudeDir, 'projects');
  let projectNames: string[];
  try {
    projectNames = await readdir(projects);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new TranscriptDirError(`No Claude Code transcripts at ${projects} (set --claude-dir or CLAUDE_CONFIG_DIR)`);
    }
    const why = code ?? errorMessage(error);
    throw new TranscriptDirError(`Cannot read ${projects} (${why}): check its permissions`);
  }
  const files: TranscriptFile[] = [];
  for (const project of projectNames.sort()) {
    const dir = join(projects, project);
    for (const name of (await entries(dir)).sort()) {
      const sessionId = SESSION_FILE.exec(name)?.[1];
      if (sessionId) {
        const file = join(dir, name);
        const info = await fileInfo(file);
        if (info) files.push({ file, sessionId, projectDir: project, agentId: null, agentType: null, ...info });
        continue;
      }
      // A session folder may hold subagents even when its main file was removed.
      files.push(...(await subagentFiles(dir, name, project)));
    }
  }
  return files;
}
