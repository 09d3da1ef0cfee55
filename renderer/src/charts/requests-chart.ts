// Requests over time, stacked: cache hits, misses, requests that skipped the cache, and errors.
import { format, scaleLinear } from 'd3';
import type { ChartData } from '../../../shared/api.js';
import { formatBucket } from '../format.js';
import { createFrame, transitionMs } from './frame.js';
import { mergeBuckets, rangeLabel, REQUEST_SERIES, stackRequests, tallestStack, type StackSegment } from './shape.js';
import { attachBucketHover, drawAxes, timeScale, type HoverState } from './time.js';

const integer = format(',d');

export function requestsChart() {
  const frame = createFrame({ id: 'requests', title: 'Requests', legend: [...REQUEST_SERIES] });
  let data: ChartData | null = null;
  let hover: HoverState | null = null;

  function draw(): void {
    if (!data) return;
    const s = frame.size();
    // Buckets too narrow to see are summed, so the 24h and 30d ranges still draw visible bars.
    const { points, bucketMs } = mergeBuckets(data.requestsPerMinute, data.bucketSeconds.requests * 1000, s.innerWidth);
    const starts = points.map((p) => p.t);
    const x = timeScale(starts, bucketMs, s.innerWidth);
    const tallest = tallestStack(points);
    // Headroom above the tallest stack, so no bar runs into the top of the chart; nice(4) matches the 4 ticks.
    const y = scaleLinear().domain([0, Math.max(tallest * 1.08, 4)]).nice(4).range([s.innerHeight, 0]);
    drawAxes(frame, s, x, y, (v) => (Number.isInteger(v) ? integer(v) : ''));
    frame.setEmpty(tallest === 0 ? `No requests in ${rangeLabel(data)} yet.` : null);
    const barWidth = (d: StackSegment) => Math.max(1, x(d.t + bucketMs) - x(d.t) - (s.innerWidth / points.length > 4 ? 1 : 0));
    frame.plot
      .selectAll<SVGRectElement, StackSegment>('rect.bar')
      .data(stackRequests(points), (d) => `${d.t}:${d.series}`)
      .join((enter) => enter.append('rect').attr('y', y(0)).attr('height', 0))
      .attr('class', (d) => `bar s-${d.series}`)
      .attr('data-series', (d) => d.series)
      .attr('data-t', (d) => d.t)
      .attr('data-value', (d) => d.value)
      .attr('x', (d) => x(d.t))
      .attr('width', barWidth)
      .transition()
      .duration(transitionMs())
      .attr('y', (d) => y(d.y1))
      .attr('height', (d) => Math.max(0, y(d.y0) - y(d.y1)));
    const bucketSeconds = bucketMs / 1000;
    hover = {
      x,
      starts,
      bucketMs,
      describe(i) {
        const p = points[i]!;
        return {
          title: formatBucket(p.t, bucketSeconds),
          rows: REQUEST_SERIES.map((r) => ({ label: r.label, value: integer(p[r.key]), series: r.key })),
        };
      },
    };
  }

  attachBucketHover(frame, () => hover);
  frame.onResize(draw);
  return {
    root: frame.root,
    update(next: ChartData) {
      data = next;
      draw();
    },
  };
}
