// What every chart shares: a card with a title and legend, an SVG that follows the card's width,
// axes, an empty state and a tooltip. Each chart only draws its marks.
import { select, type Selection } from 'd3';
// d3 is marked side-effect free, so a bundler drops the module that adds selection.transition()
// unless it is imported for its effect.
import 'd3-transition';
import { h } from '../dom.js';

export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
export type Group = Selection<SVGGElement, unknown, null, undefined>;

export interface LegendItem {
  key: string;
  label: string;
}

export interface Size {
  width: number;
  height: number;
  /** The plot area inside the margins. */
  innerWidth: number;
  innerHeight: number;
}

export interface Frame {
  root: HTMLElement;
  svg: Svg;
  plot: Group;
  xAxis: Group;
  yAxis: Group;
  overlay: Selection<SVGRectElement, unknown, null, undefined>;
  margin: { top: number; right: number; bottom: number; left: number };
  size(): Size;
  /** Shows the empty-state text instead of the marks, or (null) the marks again. */
  setEmpty(message: string | null): void;
  /** Called (debounced to a frame) when the chart's width changes. */
  onResize(redraw: () => void): void;
}

export interface FrameOptions {
  id: string;
  title: string;
  legend: LegendItem[];
  height?: number;
  marginLeft?: number;
}

export function createFrame(options: FrameOptions): Frame {
  const height = options.height ?? 200;
  const margin = { top: 10, right: 14, bottom: 24, left: options.marginLeft ?? 52 };
  const empty = h('div', { class: 'chart-empty', hidden: true });
  const body = h('div', { class: 'chart-body' });
  const root = h(
    'section',
    { class: 'card chart-card', 'data-chart': options.id, 'aria-label': options.title },
    h(
      'header',
      { class: 'chart-head' },
      h('h3', {}, options.title),
      h('ul', { class: 'legend' }, ...options.legend.map((item) => h('li', { 'data-series': item.key }, h('span', { class: `swatch s-${item.key}` }), item.label))),
    ),
    body,
  );
  const svg = select(body).append('svg').attr('class', 'chart').attr('height', height).attr('role', 'img').attr('aria-label', options.title) as Svg;
  body.append(empty);
  const inner = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const yAxis = inner.append('g').attr('class', 'axis axis-y');
  const xAxis = inner.append('g').attr('class', 'axis axis-x');
  const plot = inner.append('g').attr('class', 'marks');
  const overlay = inner.append('rect').attr('class', 'overlay').attr('fill', 'transparent');

  let width = 0;
  const size = (): Size => {
    const w = Math.max(width || body.clientWidth || 320, 200);
    return { width: w, height, innerWidth: w - margin.left - margin.right, innerHeight: height - margin.top - margin.bottom };
  };
  const redraws: Array<() => void> = [];
  let pending = 0;
  new ResizeObserver((entries) => {
    const next = Math.round(entries[0]?.contentRect.width ?? 0);
    if (next === width || next === 0) return;
    width = next;
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() =>
      redraws.forEach((redraw) => {
        redraw();
      }),
    );
  }).observe(body);

  return {
    root,
    svg,
    plot,
    xAxis,
    yAxis,
    overlay,
    margin,
    size() {
      const s = size();
      svg.attr('width', s.width).attr('viewBox', `0 0 ${s.width} ${s.height}`);
      xAxis.attr('transform', `translate(0,${s.innerHeight})`);
      overlay.attr('width', s.innerWidth).attr('height', s.innerHeight);
      return s;
    },
    setEmpty(message) {
      empty.hidden = message === null;
      empty.textContent = message ?? '';
      root.classList.toggle('is-empty', message !== null);
    },
    onResize(redraw) {
      redraws.push(redraw);
    },
  };
}

/** Whether animated updates are welcome (also how tests get stable geometry at once). */
export function transitionMs(): number {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 250;
}
