// One tooltip for the whole page, filled with text only.
import { h } from '../dom.js';

export interface TooltipRow {
  label: string;
  value: string;
  /** Series key, for the colour swatch. */
  series?: string;
}

let tip: HTMLDivElement | null = null;

function element(): HTMLDivElement {
  if (!tip) {
    tip = h('div', { class: 'tooltip', role: 'tooltip', hidden: true });
    document.body.append(tip);
  }
  return tip;
}

export function showTooltip(clientX: number, clientY: number, title: string, rows: TooltipRow[]): void {
  const el = element();
  el.replaceChildren(
    h('div', { class: 'tooltip-title' }, title),
    ...rows.map((r) => h('div', { class: 'tooltip-row' }, r.series ? h('span', { class: `swatch s-${r.series}` }) : null, h('span', {}, r.label), h('b', {}, r.value))),
  );
  el.hidden = false;
  const { width, height } = el.getBoundingClientRect();
  const x = clientX + 14 + width > window.innerWidth ? clientX - 14 - width : clientX + 14;
  const y = Math.min(Math.max(4, clientY - height - 10), window.innerHeight - height - 4);
  el.style.left = `${Math.max(4, x)}px`;
  el.style.top = `${y}px`;
}

export function hideTooltip(): void {
  if (tip) tip.hidden = true;
}
