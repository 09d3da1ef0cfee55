import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { HELP_OPTION, renderHelp } from './help.js';
import { configFlagsFrom, configSpecs, HELP_SPEC, parseOptions } from './parse.js';
import { rangeOption } from './stats.js';
import { noUsageMessage, openUsageForReading } from './usage-db.js';

export function exportHelp(): string {
  return renderHelp(
    'cco export [--csv | --json] [--range 1h|24h|today|7d|30d|all] [--output FILE] [--port N]',
    'Writes every recorded request (one row each: time, project, model, cache outcome, tokens, cost,\nlatency; never prompts or keys) to stdout or a file, streamed row by row.',
    [
      { names: '--csv', help: 'CSV with a header line (the default)' },
      { names: '--json', help: 'one JSON array of objects' },
      { names: '--range R', help: 'period: 1h, 24h, today, 7d, 30d, all (default: all)' },
      { names: '-o, --output FILE', help: 'write to FILE instead of stdout' },
      { names: '--port N', help: 'the daemon instance (default: 3000)' },
      HELP_OPTION,
    ],
    ['Example: cco export --csv > usage.csv'],
  );
}

export async function exportCommand(argv: readonly string[], ctx: CliContext, stdout: Writable = process.stdout): Promise<number> {
  const specs = {
    ...configSpecs(true),
    csv: { type: 'boolean' as const },
    json: { type: 'boolean' as const },
    range: { type: 'string' as const },
    output: { type: 'string' as const, short: 'o' },
    ...HELP_SPEC,
  };
  const values = parseOptions(argv, specs, 'cco export');
  if (values.help) {
    ctx.out(exportHelp());
    return EXIT.ok;
  }
  if (values.csv && values.json) throw new UsageError('choose one of --csv and --json', 'cco export');
  const format = values.json ? 'json' : 'csv';
  const range = rangeOption(values.range, 'cco export', 'all');
  const { config, dataDir } = resolveCliConfig(ctx, configFlagsFrom(values));
  const opened = await openUsageForReading(dataDir, config.port);
  // No database yet is no usage, as `cco stats` says (exit 0): an export with no rows, not a failure.
  if (!opened) ctx.err(noUsageMessage(dataDir, config.port));
  const [{ writeExport }, { selectExportRows }, { summaryStart }] = await Promise.all([
    import('../daemon/usage/export.js'),
    import('../daemon/usage/rows.js'),
    import('../daemon/usage/ranges.js'),
  ]);
  const out = typeof values.output === 'string' ? await openOutput(values.output) : stdout;
  try {
    const selected = opened ? selectExportRows(opened.db, summaryStart(range, Date.now())) : [];
    const rows = await writeExport(selected, format, out, { end: out !== stdout });
    if (out !== stdout) {
      await finished(out);
      ctx.err(`Wrote ${rows} requests to ${values.output}`);
    }
  } finally {
    opened?.db.close();
  }
  return EXIT.ok;
}

async function openOutput(path: string): Promise<Writable> {
  const file = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    file.once('open', () => resolve());
    file.once('error', (error) => reject(new CliError(`Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
  });
  return file;
}
