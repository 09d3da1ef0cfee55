// Cost by model in the selected range: horizontal bars, the most expensive on top.
import { axisBottom, scaleLinear, select } from 'd3';
import type { ChartData } from '../../../shared/api.js';
import { formatCount, formatUsd } from '../format.js';
import { createFrame, transitionMs } from './frame.js';
import { barRows, modelBars, rangeLabel, shortModelName, type ModelBar } from './shape.js';
import { hideTooltip, showTooltip } from './tooltip.js';

/** About 6.5 px per character of the 12 px label font. */
const CHAR_PX = 6.5;

export function modelChart() {
  const frame = createFrame({ id: 'models', title: 'Cost by model', legend: [{ key: 'model', label: 'Cost' }], marginLeft: 8 });
  let data: ChartData | null = null;

  function draw(): void {
    if (!data) return;
    const bars = modelBars(data.tokensByModel);
    const s = frame.size();
    const labelWidth = Math.min(190, Math.max(96, s.innerWidth * 0.4));
    const valueWidth = 64;
    const barSpace = Math.max(40, s.innerWidth - labelWidth - valueWidth);
    // The bars fill the plot and the axis sits at its bottom, level with the latency chart's beside it.
    const barsHeight = s.innerHeight - 4;
    const layout = barRows(bars.length, barsHeight);
    const rowOf = new Map(bars.map((b, i) => [b.model, i]));
    const max = bars.reduce((m, b) => Math.max(m, b.costUsd), 0);
    const x = scaleLinear().domain([0, max > 0 ? max : 1]).nice().range([0, barSpace]);
    frame.setEmpty(bars.length === 0 ? `No model was used in ${rangeLabel(data)} yet.` : null);
    frame.xAxis
      .attr('transform', `translate(${labelWidth},${barsHeight + 4})`)
      .call(
        axisBottom(x)
          .ticks(Math.max(2, Math.floor(barSpace / 80)))
          .tickFormat((v) => formatUsd(Number(v)))
          .tickSizeOuter(0),
      );
    frame.yAxis.selectAll('*').remove();
    const duration = transitionMs();
    const rows = frame.plot
      .selectAll<SVGGElement, ModelBar>('g.model-row')
      .data(bars, (d) => d.model)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'model-row');
        g.append('text').attr('class', 'model-label').attr('dy', '0.35em');
        g.append('rect').attr('class', 'bar s-model').attr('width', 0);
        g.append('text').attr('class', 'model-value').attr('dy', '0.35em');
        return g;
      });
    rows.attr('transform', (d) => `translate(0,${layout.top(rowOf.get(d.model) ?? 0)})`).attr('data-model', (d) => d.model).attr('data-value', (d) => d.costUsd);
    rows
      .select<SVGTextElement>('text.model-label')
      .attr('x', labelWidth - 8)
      .attr('y', layout.bar / 2)
      .attr('text-anchor', 'end')
      .text((d) => shortModelName(d.model, Math.floor((labelWidth - 8) / CHAR_PX)));
    rows
      .select<SVGRectElement>('rect.bar')
      .attr('x', labelWidth)
      .attr('height', layout.bar)
      .attr('data-value', (d) => d.costUsd)
      .transition()
      .duration(duration)
      .attr('width', (d) => Math.max(d.costUsd > 0 ? 2 : 0, x(d.costUsd)));
    rows
      .select<SVGTextElement>('text.model-value')
      .attr('y', layout.bar / 2)
      .text((d) => formatUsd(d.costUsd))
      .transition()
      .duration(duration)
      .attr('x', (d) => labelWidth + x(d.costUsd) + 6);
    rows
      .on('pointermove', (event: PointerEvent, d) => {
        showTooltip(event.clientX, event.clientY, d.model, [
          { label: 'Cost', value: formatUsd(d.costUsd), series: 'model' },
          { label: 'Tokens', value: formatCount(d.tokens) },
        ]);
      })
      .on('pointerleave', hideTooltip);
    select(frame.overlay.node()).attr('width', 0);
  }

  frame.onResize(draw);
  return {
    root: frame.root,
    update(next: ChartData) {
      data = next;
      draw();
    },
  };
}
