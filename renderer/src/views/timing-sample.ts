// Filtered latency, time to first byte and status codes come from the latest matching requests
// when more matched (no roll-up keeps them per project, model or status): each figure says so.
import type { TimingSample } from '../../../shared/api.js';
import { h } from '../dom.js';
import { formatExact, formatWhen } from '../format.js';

/** "latest 20,000 (since Dec 1 14:05:09)": what a sampled figure is of. */
export function sampleText(sample: TimingSample): string {
  return `latest ${formatExact(sample.requests)} matching requests (since ${formatWhen(sample.from)})`;
}

/** Puts the note under each chart drawn from the sample, or takes it away. */
export function markSampledCharts(roots: readonly HTMLElement[], sample: TimingSample | undefined): void {
  for (const root of roots) {
    root.querySelector('.chart-note[data-note="timing-sample"]')?.remove();
    if (sample) root.append(h('p', { class: 'chart-note muted', 'data-note': 'timing-sample' }, `Of the ${sampleText(sample)}.`));
  }
}
