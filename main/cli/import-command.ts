import type { CursorStore } from '../daemon/transcripts/cursor-store.js';
import type { ImportProgress, ImportResult } from '../daemon/transcripts/import.js';
import type { TranscriptSink } from '../daemon/transcripts/record.js';
import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { HELP_OPTION, renderHelp } from './help.js';
import { configFlagsFrom, configSpecs, HELP_SPEC, parseOptions } from './parse.js';

/** Where imported records and the per-file cursors go: the usage database of one daemon instance. */
export interface ImportStorage {
  sink: TranscriptSink;
  cursors: CursorStore;
  close(): void | Promise<void>;
}

export type OpenImportStorage = (
  dataDir: string,
  port: number,
  where: { host: string; claudeDir: string },
) => Promise<ImportStorage>;

export function importHelp(): string {
  return renderHelp(
    'cco import [--claude-dir DIR] [--since DATE] [--port N] [--json]',
    'Imports the sessions Claude Code wrote to disk (IDE, desktop app, plain `claude`, anything that\n' +
      'never went through cco), so their tokens and cost show up next to proxied traffic. Safe to run\n' +
      'again: only new lines are read, and each API response is counted once.',
    [
      {
        names: '--claude-dir DIR',
        help: 'Claude Code\'s configuration directory (default: $CLAUDE_CONFIG_DIR or ~/.claude)',
      },
      { names: '--since DATE', help: 'leave out responses before DATE (YYYY-MM-DD or an ISO 8601 time)' },
      { names: '--port N', help: 'the daemon instance whose usage database receives them (default: 3000)' },
      { names: '--json', help: 'print the result as JSON' },
      HELP_OPTION,
    ],
    ['Example: cco import --since 2026-11-01'],
  );
}

function parseSince(value: string | boolean | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value);
  if (!Number.isFinite(ms)) {
    throw new UsageError(`--since must be a date like 2026-11-01, got '${value}'`, 'cco import');
  }
  return ms;
}

const BAR = 24;

function progressLine(p: ImportProgress): string {
  const share = p.bytesTotal === 0 ? 1 : p.bytesDone / p.bytesTotal;
  const filled = Math.round(share * BAR);
  const mb = (p.bytesDone / 1048576).toFixed(1);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]`;
  return `\r${bar} ${Math.round(share * 100)} %  ${p.filesDone}/${p.filesTotal} files  ${mb} MB`;
}

function summary(r: ImportResult): string[] {
  const lines = [`Imported ${r.counts.records} responses from ${r.filesRead} of ${r.files} transcript files.`];
  const skipped = [
    r.counts.duplicates > 0 ? `${r.counts.duplicates} repeated block lines` : '',
    r.counts.bad > 0 ? `${r.counts.bad} unreadable lines` : '',
    r.counts.unknown > 0 ? `${r.counts.unknown} lines of an unknown shape` : '',
    r.counts.oversized > 0 ? `${r.counts.oversized} oversized lines` : '',
    r.beforeSince > 0 ? `${r.beforeSince} responses before --since` : '',
  ].filter((s) => s !== '');
  if (skipped.length > 0) lines.push(`Skipped ${skipped.join(', ')}.`);
  if (r.restarted > 0) {
    lines.push(`${r.restarted} files were replaced or truncated since the last import and were read again.`);
  }
  for (const f of r.failures) lines.push(`Could not read ${f.file} (${f.message}).`);
  return lines;
}

/** `cco import`, given where records go (the usage store plugs in here). */
export function importCommandWith(openStorage: OpenImportStorage) {
  return async (
    argv: readonly string[],
    ctx: CliContext,
    stderr: NodeJS.WriteStream = process.stderr,
  ): Promise<number> => {
    const specs = { ...configSpecs(true), 'claude-dir': { type: 'string' as const }, since: { type: 'string' as const },
      json: { type: 'boolean' as const }, ...HELP_SPEC };
    const values = parseOptions(argv, specs, 'cco import');
    if (values.help) {
      ctx.out(importHelp());
      return EXIT.ok;
    }
    const since = parseSince(values.since);
    const { config, dataDir } = resolveCliConfig(ctx, configFlagsFrom(values));
    const [{ claudeConfigDir, TranscriptDirError }, { importTranscripts }] = await Promise.all([
      import('../daemon/transcripts/layout.js'),
      import('../daemon/transcripts/import.js'),
    ]);
    const claudeDir = typeof values['claude-dir'] === 'string' ? values['claude-dir'] : claudeConfigDir(ctx.env);
    const storage = await openStorage(dataDir, config.port, { host: config.host, claudeDir });
    const showBar = ctx.stderrIsTTY && !values.json;
    let result: ImportResult;
    try {
      result = await importTranscripts({
        claudeDir, sink: storage.sink, cursors: storage.cursors, now: Date.now,
        ...(since === undefined ? {} : { since }),
        ...(showBar ? { onProgress: (p: ImportProgress) => stderr.write(progressLine(p)) } : {}),
      });
    } catch (error) {
      if (error instanceof TranscriptDirError) throw new CliError(error.message);
      throw error;
    } finally {
      if (showBar) stderr.write('\r\x1b[2K');
      await storage.close();
    }
    if (values.json) ctx.out(JSON.stringify({ claudeDir, ...result }, null, 2));
    else for (const line of summary(result)) ctx.out(line);
    return result.failures.length > 0 ? EXIT.failure : EXIT.ok;
  };
}

/** `cco import` as the CLI registers it: into the running daemon's writer, else the usage database. */
export const importCommand = importCommandWith(async (dataDir, port, where) => {
  const { openImportStorage } = await import('./import-storage.js');
  return openImportStorage({ dataDir, port, ...where });
});
