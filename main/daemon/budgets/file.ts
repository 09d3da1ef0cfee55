import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BudgetValidationError, parseBudgetsFile, type BudgetsFile } from './schema.js';

/** One budgets file per install: a limit is the user's, whichever daemon port counts the spend. */
export function budgetsFilePath(dataDir: string): string {
  return join(dataDir, 'budgets.json');
}

/** Which alerts one instance already raised, so a restart never raises them twice. */
export function alertsFilePath(dataDir: string, port: number): string {
  return join(dataDir, `alerts-${port}.json`);
}

/** The budgets in `file`; none when it does not exist. A broken file is an error naming the field. */
export function readBudgetsFile(file: string): BudgetsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, budgets: [] };
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BudgetValidationError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseBudgetsFile(raw);
  } catch (error) {
    throw new BudgetValidationError(`${file}: ${(error as Error).message}`);
  }
}

/** Written whole to a private temporary file, then renamed: a reader sees the old or the new file. */
export function writePrivateJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function writeBudgetsFile(file: string, data: BudgetsFile): void {
  writePrivateJson(file, data);
}
