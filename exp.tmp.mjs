import { openReader } from './dist/main/daemon/usage/schema.js';
import { exportPage } from './dist/main/daemon/usage/export.js';
const db = openReader(process.argv[2]);
const fmt = process.argv[3] ?? 'csv';
for (let round = 0; round < 3; round++) {
  const t = performance.now(); let bytes = 0, rows = 0, after = null, written = 0;
  for (;;) { const p = exportPage(db, fmt, 0, after, written); bytes += p.text.length; rows += p.rows; written += p.rows; if (!p.next) break; after = p.next; }
  const ms = performance.now() - t;
  console.log(fmt, rows, 'rows', (bytes/1e6).toFixed(1), 'MB', ms.toFixed(0), 'ms', (bytes/1e6/(ms/1000)).toFixed(1), 'MB/s');
}
