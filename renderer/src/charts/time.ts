// Time axes and the hover that picks a bucket, shared by the charts over time.
import { axisBottom, axisLeft, pointer, scaleTime, type ScaleLinear, type ScaleTime } from 'd3';
import { bucketIndexAt } from './shape.js';
import type { Frame, Size } from './frame.js';
import { hideTooltip, showTooltip, type TooltipRow } from './tooltip.js';

/** Half the width of a time label such as "03:45". */
const EDGE_LABEL_PX = 18;

export function timeScale(starts: readonly number[], bucketMs: number, innerWidth: number): ScaleTime<number, number> {
  const first = starts[0] ?? Date.now() - bucketMs;
  const last = starts[starts.length - 1] ?? first;
  return scaleTime().domain([first, last + bucketMs]).range([0, innerWidth]);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** One clock for every time axis: 24-hour "14:30", and a date ("Dec 1") at local midnight. */
export function timeTick(d: Date): string {
  const midnight = d.getHours() === 0 && d.getMinutes() === 0;
  if (midnight) return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function drawAxes(frame: Frame, s: Size, x: ScaleTime<number, number>, y: ScaleLinear<number, number>, yFormat: (v: number) => string): void {
  frame.xAxis.call(
    axisBottom(x)
      .ticks(Math.max(2, Math.floor(s.innerWidth / 90)))
      .tickFormat((d) => timeTick(d as Date))
      .tickSizeOuter(0),
  );
  // A time label centred on a tick close to the left end would run into the y axis's "0".
  frame.xAxis
    .selectAll<SVGGElement, Date>('.tick')
    .select('text')
    .attr('visibility', (d) => (x(d) < EDGE_LABEL_PX ? 'hidden' : null));
  frame.yAxis.call(
    axisLeft(y)
      .ticks(4)
      .tickSize(-s.innerWidth)
      .tickFormat((v) => yFormat(Number(v))),
  );
  frame.yAxis.select('.domain').remove();
}

export interface HoverState {
  x: ScaleTime<number, number>;
  starts: readonly number[];
  bucketMs: number;
  describe(index: number): { title: string; rows: TooltipRow[] };
}

/** A guide over the hovered bucket and a tooltip with every series' value there. */
export function attachBucketHover(frame: Frame, state: () => HoverState | null): void {
  const guide = frame.plot.append('rect').attr('class', 'hover-guide').attr('visibility', 'hidden');
  frame.overlay
    .on('pointermove', (event: PointerEvent) => {
      const st = state();
      if (!st || st.starts.length === 0) return;
      const [mx] = pointer(event);
      const index = bucketIndexAt(st.starts, st.x.invert(mx).getTime());
      const t = st.starts[index]!;
      const x0 = st.x(t);
      guide
        .attr('visibility', 'visible')
        .attr('x', x0)
        .attr('width', Math.max(1, st.x(t + st.bucketMs) - x0))
        .attr('y', 0)
        .attr('height', frame.size().innerHeight);
      const { title, rows } = st.describe(index);
      showTooltip(event.clientX, event.clientY, title, rows);
    })
    .on('pointerleave', () => {
      guide.attr('visibility', 'hidden');
      hideTooltip();
    });
}
