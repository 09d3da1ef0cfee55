// The series of the tokens and time-to-first-byte charts. Pure functions.
import type { TokenPoint, TtfbPoint } from '../../../shared/api.js';
import type { LineSeries } from './shape.js';

export function tokenLines(points: readonly TokenPoint[]): Array<LineSeries<'input' | 'output' | 'cacheRead' | 'cacheWrite'>> {
  return [
    { key: 'input', label: 'Input', points: points.map((p) => ({ t: p.t, value: p.input })) },
    { key: 'output', label: 'Output', points: points.map((p) => ({ t: p.t, value: p.output })) },
    { key: 'cacheRead', label: 'Cache read', points: points.map((p) => ({ t: p.t, value: p.cacheRead })) },
    { key: 'cacheWrite', label: 'Cache write', points: points.map((p) => ({ t: p.t, value: p.cacheWrite })) },
  ];
}

export function ttfbLines(points: readonly TtfbPoint[]): Array<LineSeries<'ttfbP50' | 'ttfbP95'>> {
  return [
    { key: 'ttfbP50', label: 'p50', points: points.map((p) => ({ t: p.t, value: p.p50 })) },
    { key: 'ttfbP95', label: 'p95', points: points.map((p) => ({ t: p.t, value: p.p95 })) },
  ];
}
