// A chart of a few lines over time with a marker on every non-zero point (cost and savings,
// latency percentiles). Gaps (buckets without requests) break the line rather than drop to zero.
import { line, scaleLinear, type ScaleLinear } from 'd3';
import type { ChartData } from '../../../shared/api.js';
import { formatBucket } from '../format.js';
import { createFrame, transitionMs, type LegendItem } from './frame.js';
import { lineMax, markedPoints, rangeLabel, type LineSeries } from './shape.js';
import { attachBucketHover, drawAxes, timeScale, type HoverState } from './time.js';

export interface LineChartOptions<K extends string> {
  id: string;
  title: string;
  legend: Array<LegendItem & { key: K }>;
  series(data: ChartData): Array<LineSeries<K>>;
  bucketSeconds(data: ChartData): number;
  format(value: number): string;
  /** Axis labels, when they want fewer digits than `format` (which the tooltip uses). */
  tick?(y: ScaleLinear<number, number>): (value: number) => string;
  /** What the chart says when nothing happened; gets the range ("the last hour"). */
  emptyMessage(range: string): string;
  /** The smallest top of the y axis, so a flat series of tiny values does not fill the chart. */
  minTop: number;
  /**
   * Draw each bucket as a flat step across its width: for sums per bucket (cost), where a line
   * between bucket centres would draw a ramp that no request ever made.
   */
  step?: boolean;
}

type Point = { t: number; value: number | null };

export function lineChart<K extends string>(options: LineChartOptions<K>) {
  const frame = createFrame({ id: options.id, title: options.title, legend: options.legend });
  let data: ChartData | null = null;
  let hover: HoverState | null = null;

  function draw(): void {
    if (!data) return;
    const s = frame.size();
    const series = options.series(data);
    const bucketSeconds = options.bucketSeconds(data);
    const bucketMs = bucketSeconds * 1000;
    const starts = series[0]?.points.map((p) => p.t) ?? [];
    const x = timeScale(starts, bucketMs, s.innerWidth);
    const max = lineMax(series);
    const y = scaleLinear().domain([0, Math.max(max, options.minTop)]).nice().range([s.innerHeight, 0]);
    drawAxes(frame, s, x, y, options.tick?.(y) ?? options.format);
    const hasPoints = series.some((line) => line.points.some((p) => p.value !== null && p.value > 0));
    frame.setEmpty(hasPoints ? null : options.emptyMessage(rangeLabel(data)));
    const mid = (t: number) => x(t + bucketMs / 2);
    const path = line<Point>()
      .defined((p) => p.value !== null)
      .x((p) => (options.step ? x(p.t) : mid(p.t)))
      .y((p) => y(p.value ?? 0));
    const drawn = (points: Point[]): Point[] =>
      options.step ? points.flatMap((p) => [p, { t: p.t + bucketMs, value: p.value }]) : points;
    const duration = transitionMs();
    frame.plot
      .selectAll<SVGPathElement, LineSeries<K>>('path.line')
      .data(series, (d) => d.key)
      .join('path')
      .attr('class', (d) => `line s-${d.key}`)
      .attr('data-series', (d) => d.key)
      .transition()
      .duration(duration)
      .attr('d', (d) => path(drawn(d.points)));
    frame.plot
      .selectAll<SVGCircleElement, ReturnType<typeof markedPoints<K>>[number]>('circle.dot')
      .data(series.flatMap((line) => markedPoints(line)), (d) => `${d.key}:${d.t}`)
      .join((enter) => enter.append('circle').attr('r', 0))
      .attr('class', (d) => `dot s-${d.key}`)
      .attr('data-series', (d) => d.key)
      .attr('data-t', (d) => d.t)
      .attr('data-value', (d) => d.value)
      .transition()
      .duration(duration)
      .attr('cx', (d) => mid(d.t))
      .attr('cy', (d) => y(d.value))
      .attr('r', 3);
    hover = {
      x,
      starts,
      bucketMs,
      describe(i) {
        return {
          title: formatBucket(starts[i]!, bucketSeconds),
          rows: series.map((line) => {
            const value = line.points[i]?.value ?? null;
            return { label: line.label, value: value === null ? '—' : options.format(value), series: line.key };
          }),
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
