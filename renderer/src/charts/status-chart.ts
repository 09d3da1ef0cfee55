// Status codes in the selected range: one bar per HTTP status, failures in the errors' colour.
import { axisBottom, scaleLinear, select } from 'd3';
import type { ChartData, ChartExtras, StatusCount } from '../../../shared/api.js';
import { formatCount, formatPercent } from '../format.js';
import { createFrame, transitionMs } from './frame.js';
import { barRows, rangeLabel } from './shape.js';
import { hideTooltip, showTooltip } from './tooltip.js';

export function statusChart() {
  const frame = createFrame({
    id: 'status-codes', title: 'Status codes',
    legend: [{ key: 'model', label: 'Answered' }, { key: 'errors', label: 'Failed' }], marginLeft: 8,
  });
  let data: (ChartData & Partial<ChartExtras>) | null = null;

  function draw(): void {
    if (!data) return;
    const counts = (data.statusCodes ?? []).slice(0, 8);
    const total = counts.reduce((sum, c) => sum + c.count, 0);
    const s = frame.size();
    const labelWidth = 48;
    const valueWidth = 72;
    const barSpace = Math.max(40, s.innerWidth - labelWidth - valueWidth);
    const height = s.innerHeight - 4;
    const layout = barRows(counts.length, height);
    const max = counts.reduce((m, c) => Math.max(m, c.count), 0);
    const x = scaleLinear().domain([0, max > 0 ? max : 1]).nice().range([0, barSpace]);
    frame.setEmpty(counts.length === 0 ? `No requests in ${rangeLabel(data)} yet.` : null);
    frame.xAxis
      .attr('transform', `translate(${labelWidth},${height + 4})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(barSpace / 80))).tickFormat((v) => formatCount(Number(v)))
        .tickSizeOuter(0));
    frame.yAxis.selectAll('*').remove();
    const rows = frame.plot
      .selectAll<SVGGElement, StatusCount>('g.status-row')
      .data(counts, (d) => String(d.status))
      .join((enter) => {
        const g = enter.append('g').attr('class', 'status-row');
        g.append('text').attr('class', 'model-label').attr('dy', '0.35em');
        g.append('rect').attr('class', 'bar').attr('width', 0);
        g.append('text').attr('class', 'model-value').attr('dy', '0.35em');
        return g;
      });
    rows.attr('transform', (_d, i) => `translate(0,${layout.top(i)})`)
      .attr('data-status', (d) => d.status).attr('data-value', (d) => d.count);
    rows.select<SVGTextElement>('text.model-label')
      .attr('x', labelWidth - 8).attr('y', layout.bar / 2).attr('text-anchor', 'end').text((d) => String(d.status));
    rows.select<SVGRectElement>('rect.bar')
      .attr('class', (d) => `bar ${d.status >= 400 ? 's-errors' : 's-model'}`)
      .attr('x', labelWidth).attr('height', layout.bar)
      .transition().duration(transitionMs())
      .attr('width', (d) => Math.max(2, x(d.count)));
    rows.select<SVGTextElement>('text.model-value')
      .attr('y', layout.bar / 2)
      .text((d) => formatCount(d.count))
      .transition().duration(transitionMs())
      .attr('x', (d) => labelWidth + x(d.count) + 6);
    rows
      .on('pointermove', (event: PointerEvent, d) => {
        showTooltip(event.clientX, event.clientY, `HTTP ${d.status}`, [
          { label: 'Requests', value: formatCount(d.count), series: d.status >= 400 ? 'errors' : 'model' },
          { label: 'Share', value: formatPercent(total === 0 ? 0 : d.count / total) },
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
