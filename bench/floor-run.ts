// `node dist/bench/floor-run.js`: only the comparison with the floor proxy (quicker to repeat than the whole bench).
import { floorBench } from './floor-bench.js';
import { startRole, stopRole } from './processes.js';

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' };
const upstream = await startRole('upstream');
const daemon = await startRole('daemon', [upstream.url]);
try {
  for (const text of await floorBench(upstream.url, daemon, headers)) console.log(text);
} finally {
  await stopRole(daemon.child);
  await stopRole(upstream.child);
}
