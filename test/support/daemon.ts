import { applyConfig, type DaemonConfig, defaultConfig } from '../../main/common/config.js';
import { silentLogger } from '../../main/common/logger.js';
import { createDaemon, type Daemon } from '../../main/daemon/app.js';
import type { RequestRecord } from '../../main/daemon/usage/record.js';

export interface TestDaemon {
  url: string;
  port: number;
  daemon: Daemon;
  records: RequestRecord[];
  clock: { offsetMs: number };
  close(): Promise<void>;
}

/** The real daemon on an ephemeral loopback port, in front of a given upstream, with a clock tests can move forward. */
export interface TestDaemonOptions {
  /** model-routing.json for this daemon (watched like the real one). */
  routingFile?: string;
  /** The environment providers' `apiKeyEnv` names are looked up in. */
  env?: Record<string, string>;
}

export async function startTestDaemon(
  upstream: string,
  overrides: Partial<DaemonConfig> = {},
  options: TestDaemonOptions = {},
): Promise<TestDaemon> {
  const config = applyConfig(defaultConfig(), { ...overrides, upstream, port: 0, host: '127.0.0.1' });
  const clock = { offsetMs: 0 };
  const records: RequestRecord[] = [];
  const daemon = createDaemon({
    config,
    logger: silentLogger,
    now: () => Date.now() + clock.offsetMs,
    recorder: { record: (r) => records.push(r) },
    ...(options.routingFile ? { routingFile: options.routingFile } : {}),
    env: options.env ?? {},
  });
  const { url, port } = await daemon.listen(0, '127.0.0.1');
  return { url, port, daemon, records, clock, close: () => daemon.close(0) };
}
