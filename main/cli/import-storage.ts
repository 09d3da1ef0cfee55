import { instanceFiles } from '../common/paths.js';
import { readOrCreateToken } from '../common/token.js';
import { daemonUrl, fetchHealth } from '../common/daemon-client.js';
import type { UsageBilling } from '../../shared/api.js';
import type { TranscriptSink, TranscriptUsageRecord } from '../daemon/transcripts/record.js';
import type { ImportStorage } from './import-command.js';
import { CliError } from './errors.js';

/** What `cco import` reads records into: the running daemon's writer when there is one, else the file. */
export interface ImportDestination {
  dataDir: string;
  port: number;
  host: string;
  claudeDir: string;
}

/**
 * With a daemon on the port, records go to it in batches (POST /api/transcripts/records) and its
 * one writer stores them: two writers never race, and what the daemon's own watcher imports at the
 * same time is counted once (the writer leaves out responses already stored). Without a daemon,
 * the usage database is opened here and written directly.
 */
export async function openImportStorage(dest: ImportDestination): Promise<ImportStorage> {
  const [{ JsonCursorStore }, { transcriptBilling }] = await Promise.all([
    import('../daemon/transcripts/cursor-store.js'),
    import('../daemon/transcripts/billing.js'),
  ]);
  const files = instanceFiles(dest.dataDir, dest.port);
  const cursors = new JsonCursorStore(files.transcriptCursors, (message) => process.stderr.write(`${message}\n`));
  const billing = transcriptBilling(dest.claudeDir);
  const baseUrl = daemonUrl(dest.host, dest.port);
  if (await fetchHealth(baseUrl, 500)) {
    return { sink: daemonSink(baseUrl, readOrCreateToken(dest.dataDir), billing, dest.port), cursors, close() {} };
  }
  return fileStorage(files.database, billing, cursors);
}

async function fileStorage(file: string, billing: UsageBilling, cursors: ImportStorage['cursors']): Promise<ImportStorage> {
  const [{ openUsageStore }, { createPricer }, { loadPriceTable }, { silentLogger }, { systemClock }, { storeSink }, { UsageDatabaseError }] =
    await Promise.all([
      import('../daemon/usage/store.js'), import('../daemon/pricing/pricer.js'), import('../daemon/pricing/load.js'),
      import('../common/logger.js'), import('../daemon/usage/clock.js'), import('../daemon/transcripts/store-sink.js'),
      import('../daemon/usage/schema.js'),
    ]);
  const { dirname, join } = await import('node:path');
  const table = loadPriceTable(join(dirname(file), 'pricing.json'), silentLogger);
  let store: ReturnType<typeof openUsageStore>;
  try {
    store = openUsageStore({ file, pricer: createPricer(table, silentLogger), priceTable: table, clock: systemClock, logger: silentLogger });
  } catch (error) {
    if (error instanceof UsageDatabaseError) throw new CliError(error.message);
    throw error;
  }
  const opened = store;
  return {
    sink: storeSink(opened, billing, Date.now),
    cursors,
    close: () => opened.close(),
  };
}

function daemonSink(baseUrl: string, token: string, billing: UsageBilling, port: number): TranscriptSink {
  const send = async (records: readonly TranscriptUsageRecord[]) => {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}/api/transcripts/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cco-token': token },
        body: JSON.stringify({ billing, records }),
      });
    } catch (error) {
      throw new CliError(`The daemon on port ${port} stopped answering during the import (${(error as Error).message}). ` +
        'Run cco import again: what was stored is not counted twice.');
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new CliError(`The daemon on port ${port} refused the import (HTTP ${res.status}): ${text.slice(0, 300)}`);
    }
  };
  return {
    async write(records) {
      for (let i = 0; i < records.length; i += IMPORT_BATCH) await send(records.slice(i, i + IMPORT_BATCH));
    },
  };
}

/** As the daemon's route accepts (routes/transcripts.ts), kept here so the CLI does not load the route. */
const IMPORT_BATCH = 500;
