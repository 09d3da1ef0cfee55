import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { MachineStatsResponse } from '../../../shared/api.js';
import type { Clock } from '../usage/clock.js';

/** This process: CPU since the previous sample in percent of one core (may exceed 100), memory, uptime. */
export type ProcessStats = MachineStatsResponse['process'];
/** The host: 1, 5 and 15 minute load averages (zeros on Windows), memory, CPU count. */
export type MachineStats = MachineStatsResponse['machine'];

export interface MachineProbe {
  process(): ProcessStats;
  machine(): MachineStats;
}

/** Reads this process and the host; CPU is measured between successive calls. */
export function createMachineProbe(clock: Clock): MachineProbe {
  let last = { at: clock.now() - process.uptime() * 1000, cpuMicros: 0 };
  const cpuPercent = (): number => {
    const usage = process.cpuUsage();
    const sample = { at: clock.now(), cpuMicros: usage.user + usage.system };
    const elapsedMs = sample.at - last.at;
    const percent = elapsedMs > 0 ? ((sample.cpuMicros - last.cpuMicros) / 1000 / elapsedMs) * 100 : 0;
    last = sample;
    return Math.round(percent * 10) / 10;
  };
  return {
    process() {
      const memory = process.memoryUsage();
      return {
        pid: process.pid,
        cpuPercent: cpuPercent(),
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        uptimeSeconds: Math.floor(process.uptime()),
      };
    },
    machine() {
      return { loadAverage: loadavg(), freeMemBytes: freemem(), totalMemBytes: totalmem(), cpus: cpus().length };
    },
  };
}
