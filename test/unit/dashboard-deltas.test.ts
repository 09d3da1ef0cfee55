import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProjectStats, RequestEntry, SummaryResponse } from '../../shared/api.js';
import { projectsWith, summaryWith } from '../../renderer/src/deltas.js';

const entry = (o: Partial<RequestEntry>): RequestEntry => ({
  startedAt: 1000, project: '/w/a', session: 's', method: 'POST', path: '/v1/messages', requestedModel: 'm', servedModel: 'm',
  provider: 'anthropic', status: 200, errorType: null, cache: 'miss', streaming: false, inputTokens: 10, outputTokens: 20,
  cacheCreationTokens: 1, cacheReadTokens: 2, latencyMs: 5, ttfbMs: 1, requestBytes: 1, responseBytes: 1, costUsd: 0.5,
  savedUsd: 0, costEstimated: false, ...o,
});

const zero = { tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 }, costUsd: 0, savedUsd: 0, hitRate: 0, errors: 0, unpricedRequests: 0 };

describe('live deltas on the dashboard', () => {
  it('adds a request to the cards without a refetch', () => {
    const s = { ...zero, range: '1h', from: 0, to: 1, requests: 3, latencyMs: { p50: 1, p95: 2 } } as SummaryResponse;
    const next = summaryWith(summaryWith(s, entry({})), entry({ status: 529, errorType: 'overloaded_error', costUsd: null }));
    assert.equal(next.requests, 5);
    assert.equal(next.errors, 1);
    assert.equal(next.unpricedRequests, 1);
    assert.equal(next.costUsd, 0.5);
    assert.deepEqual(next.tokens, { input: 20, output: 40, cacheCreation: 2, cacheRead: 4 });
    assert.equal(s.requests, 3, 'the shown summary is not mutated');
  });

  it('grows the request\'s project row, or adds one for a new project', () => {
    const list: ProjectStats[] = [{ ...zero, project: '/w/a', requests: 1, lastSeen: 10 }];
    const grown = projectsWith(list, entry({ startedAt: 50 }));
    assert.deepEqual(grown.map((p) => [p.project, p.requests, p.lastSeen]), [['/w/a', 2, 50]]);
    const added = projectsWith(grown, entry({ project: '/w/b', cache: 'hit', costUsd: 0, savedUsd: 0.5 }));
    assert.deepEqual(added.map((p) => [p.project, p.requests, p.savedUsd]), [['/w/a', 2, 0], ['/w/b', 1, 0.5]]);
  });
});
