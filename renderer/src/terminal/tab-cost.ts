// Each terminal tab's session cost, live: read once its session is known, then again whenever the
// live stream reports a request of that session (a burst is read once).
import type { LaunchCostResponse } from '../../../shared/api.js';
import { estimated, formatUsd } from '../format.js';
import { connectLive } from '../live.js';
import type { TerminalTab } from './tab.js';

/** A burst of requests (Claude Code sends several at once) costs one read per tab. */
const SETTLE_MS = 300;

async function costOf(tab: TerminalTab): Promise<LaunchCostResponse | null> {
  const id = tab.sessionId;
  if (id === null) return null;
  const query = new URLSearchParams({ session: id, since: String(tab.startedAt ?? 0) });
  const res = await fetch(`/api/launch/cost?${query}`, { cache: 'no-store' });
  return res.ok ? ((await res.json()) as LaunchCostResponse) : null;
}

function show(tab: TerminalTab, cost: LaunchCostResponse): void {
  // Nothing sent yet (a shell, or Claude Code still starting): no figure to show.
  if (cost.requests === 0) return;
  const money = estimated(formatUsd(cost.costUsd), cost.costEstimated);
  const requests = `${cost.requests} request${cost.requests === 1 ? '' : 's'}`;
  const saved = cost.savedUsd > 0 ? `, ${formatUsd(cost.savedUsd)} saved by the cache` : '';
  tab.setCost(money, `This session so far: ${money} over ${requests}${saved}`);
}

export function followTabCosts(tabs: () => readonly TerminalTab[]): { refresh(tab: TerminalTab): void } {
  const timers = new Map<TerminalTab, ReturnType<typeof setTimeout>>();
  const refresh = (tab: TerminalTab, delay = 0) => {
    if (timers.has(tab)) return;
    timers.set(tab, setTimeout(() => {
      timers.delete(tab);
      costOf(tab)
        .then((cost) => cost && show(tab, cost))
        .catch((error: unknown) => console.warn(`Terminal: session cost: ${(error as Error).message}`));
    }, delay));
  };
  connectLive('/api/events', {
    status(status) {
      // Requests made while the stream was down are read again once it is back.
      if (status === 'connected') for (const tab of tabs()) refresh(tab);
    },
    hello() {},
    request(entry) {
      const tab = tabs().find((t) => t.sessionId === entry.session);
      if (tab) refresh(tab, SETTLE_MS);
    },
    stats() {},
  });
  return { refresh: (tab) => refresh(tab) };
}
