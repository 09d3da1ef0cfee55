// The custom window: one parser for the API and the CLI, chart buckets chosen by span, the
// roll-up plan of a window that ends, and the dashboard's address keeping it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketsForSpan, chartBuckets } from '../../main/daemon/usage/ranges.js';
import { keptFrom, planRange, readableSpan } from '../../main/daemon/usage/rollup-read.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from '../../main/daemon/usage/rollup-schema.js';
import { OPEN_END, parseWindow, previousWindow, rangeWindow, WindowError } from '../../main/daemon/usage/window.js';
import { customDays, customLabel, periodParams, readCustom, writeCustom } from '../../renderer/src/period.js';

const NOW = Date.UTC(2026, 10, 25, 12, 34, 56, 789);
const localMidnight = (y: number, m: number, d: number) => new Date(y, m - 1, d).getTime();

describe('parseWindow', () => {
  test('neither bound: no custom window (the named range applies)', () => {
    assert.equal(parseWindow(undefined, undefined, NOW), null);
  });

  test('dates are local midnights; `to` takes in its whole day', () => {
    const w = parseWindow('2026-11-01', '2026-11-15', NOW)!;
    assert.deepEqual(w, { range: 'custom', from: localMidnight(2026, 11, 1), to: localMidnight(2026, 11, 16) });
  });

  test('epoch milliseconds are taken as they are', () => {
    assert.deepEqual(parseWindow('1000', '2000', NOW), { range: 'custom', from: 1000, to: 2000 });
  });

  test('a `to` past now runs on (open), so a request committed meanwhile is counted', () => {
    const w = parseWindow('2026-11-20', '2026-11-25', NOW)!;
    assert.equal(w.to, OPEN_END);
    assert.deepEqual(previousWindow(w, NOW), { from: w.from - (NOW - w.from), to: w.from });
  });

  for (const [from, to, message] of [
    ['2026-11-01', undefined, /together/],
    [undefined, '2026-11-01', /together/],
    ['yesterday', '2026-11-01', /from must be epoch milliseconds or a date YYYY-MM-DD, got "yesterday"/],
    ['2026-11-01', '2026-13-01', /to must be .* got "2026-13-01"/],
    ['2026-02-30', '2026-03-01', /from must be/],
    ['-5', '2026-11-01', /from must be/],
    ['2026-11-15', '2026-11-01', /from must be before to/],
    ['2000', '2000', /from must be before to/],
    ['2026-11-01', '2027-11-01', /not be more than 2 days ahead/],
    ['2026-12-01', '2026-12-02', /not be more than 2 days ahead|from must not be in the future/],
  ] as const) {
    test(`refuses from=${from} to=${to}`, () => {
      assert.throws(() => parseWindow(from, to, NOW), (e: unknown) => e instanceof WindowError && message.test(e.message));
    });
  }
});

describe('windows and their previous period', () => {
  test('a named range runs from its start on; `all` has no previous period', () => {
    assert.deepEqual(rangeWindow('24h', NOW), { range: '24h', from: NOW - DAY_MS, to: OPEN_END });
    assert.equal(previousWindow(rangeWindow('all', NOW), NOW), null);
    assert.deepEqual(previousWindow(rangeWindow('7d', NOW), NOW), { from: NOW - 14 * DAY_MS, to: NOW - 7 * DAY_MS });
  });

  test('a custom window\'s previous period is as long and ends where it starts', () => {
    const w = { range: 'custom' as const, from: NOW - 10 * DAY_MS, to: NOW - 5 * DAY_MS };
    assert.deepEqual(previousWindow(w, NOW), { from: NOW - 15 * DAY_MS, to: NOW - 10 * DAY_MS });
  });

  test('edges move to the nearest midnight past the hour roll-ups\' keep, to the nearest hour past the minutes\'', () => {
    const old = Date.UTC(2026, 8, 1, 22, 0);
    const days = NOW - 3 * DAY_MS;
    const hours = Date.UTC(2026, 10, 22, 13);
    assert.deepEqual(readableSpan({ from: old, to: days }, NOW), { from: Date.UTC(2026, 8, 2), to: hours });
    const recent = NOW - DAY_MS;
    assert.deepEqual(readableSpan({ from: recent, to: NOW }, NOW), { from: recent, to: NOW }, 'minute roll-ups answer');
    assert.deepEqual(readableSpan({ from: Number.MIN_SAFE_INTEGER, to: OPEN_END }, NOW),
      { from: Number.MIN_SAFE_INTEGER, to: OPEN_END });
  });
});

describe('chart buckets by span', () => {
  test('the named ranges keep their buckets', () => {
    const m = MINUTE_MS;
    assert.deepEqual(chartBuckets('1h'), { rangeMs: HOUR_MS, requestsMs: m, latencyMs: m, costMs: 5 * m });
    assert.deepEqual(chartBuckets('24h'), { rangeMs: DAY_MS, requestsMs: 5 * m, latencyMs: HOUR_MS, costMs: HOUR_MS });
    assert.deepEqual(chartBuckets('7d'), { rangeMs: 7 * DAY_MS, requestsMs: HOUR_MS, latencyMs: HOUR_MS, costMs: HOUR_MS });
    assert.deepEqual(chartBuckets('30d'), { rangeMs: 30 * DAY_MS, requestsMs: 4 * HOUR_MS, latencyMs: DAY_MS, costMs: DAY_MS });
  });

  test('any span: at most 300 points, latency by the hour past a day and by the day past 10 days', () => {
    for (const span of [5 * MINUTE_MS, 3 * HOUR_MS, 2 * DAY_MS, 9 * DAY_MS, 11 * DAY_MS, 90 * DAY_MS, 3 * 365 * DAY_MS]) {
      const b = bucketsForSpan(span);
      for (const size of [b.requestsMs, b.latencyMs, b.costMs]) assert.ok(span / size <= 300, `${span} by ${size}`);
      if (span > DAY_MS) assert.ok(b.latencyMs >= HOUR_MS, `latency of ${span}`);
      if (span > 10 * DAY_MS) assert.ok(b.latencyMs >= DAY_MS && b.costMs >= DAY_MS, `day buckets for ${span}`);
    }
    assert.equal(bucketsForSpan(3 * 365 * DAY_MS).requestsMs, WEEK_MS);
  });

  test('never finer than the roll-ups kept at the start', () => {
    assert.equal(bucketsForSpan(HOUR_MS, HOUR_MS).requestsMs, HOUR_MS);
    assert.equal(bucketsForSpan(3 * DAY_MS, DAY_MS).latencyMs, DAY_MS);
  });
});

describe('planRange over a window that ends', () => {
  const covers = (pieces: ReturnType<typeof planRange>, from: number, to: number) => {
    assert.equal(pieces[0]!.from, from);
    assert.equal(pieces[pieces.length - 1]!.to, to);
    for (let i = 1; i < pieces.length; i++) assert.equal(pieces[i]!.from, pieces[i - 1]!.to, 'contiguous');
    for (const p of pieces) {
      if (p.res === null) continue;
      if (p.from > Number.MIN_SAFE_INTEGER) assert.equal(p.from % p.res, 0, `piece aligned to ${p.res}`);
      if (p.to < OPEN_END) assert.equal(p.to % p.res, 0, `piece ends aligned to ${p.res}`);
      assert.ok(p.from >= keptFrom(p.res, NOW), `piece of ${p.res} is kept`);
    }
  };

  test('an open end reads as before: raw, minutes, hours, days, weeks', () => {
    const from = NOW - DAY_MS;
    const pieces = planRange({ from, to: OPEN_END }, NOW);
    covers(pieces, from, OPEN_END);
    assert.deepEqual(pieces.map((p) => p.res), [null, MINUTE_MS, HOUR_MS, DAY_MS, WEEK_MS].slice(0, pieces.length));
  });

  test('a closed window goes up to weeks and back down, exactly', () => {
    const from = NOW - 25 * DAY_MS + 17_123;
    const to = NOW - 36 * 60_000 - 5;
    const pieces = planRange({ from, to }, NOW);
    covers(pieces, from, to);
    assert.ok(pieces.some((p) => p.res === WEEK_MS), 'weeks in the middle');
    assert.ok(pieces.length <= 12, `${pieces.length} pieces`);
    assert.equal(pieces[pieces.length - 1]!.res, null, 'raw rows at the far edge');
  });

  test('a window inside one hour is minutes and raw rows; whole local days far back are days', () => {
    const from = NOW - 50 * 60_000 + 300;
    covers(planRange({ from, to: NOW - 10 * 60_000 }, NOW), from, NOW - 10 * 60_000);
    const days = { from: Date.UTC(2026, 7, 3), to: Date.UTC(2026, 7, 9) };
    assert.deepEqual(planRange(days, NOW), [{ res: DAY_MS, from: days.from, to: days.to }]);
    const all = planRange({ from: Number.MIN_SAFE_INTEGER, to: Date.UTC(2026, 10, 20, 7) }, NOW);
    covers(all, Number.MIN_SAFE_INTEGER, Date.UTC(2026, 10, 20, 7));
  });
});

describe('the dashboard keeps a custom window in the address', () => {
  test('read and written beside the filters', () => {
    assert.deepEqual(readCustom('?project=a&from=2026-11-01&to=2026-11-15'), { from: '2026-11-01', to: '2026-11-15' });
    assert.equal(readCustom('?from=2026-11-15&to=2026-11-01'), null, 'from after to');
    assert.equal(readCustom('?from=2026-11-01'), null);
    assert.equal(writeCustom('?project=a', { from: '2026-11-01', to: '2026-11-15' }), '?project=a&from=2026-11-01&to=2026-11-15');
    assert.equal(writeCustom('?project=a&from=2026-11-01&to=2026-11-15', null), '?project=a');
    assert.deepEqual(periodParams({ from: '2026-11-01', to: '2026-11-15' }), { from: '2026-11-01', to: '2026-11-15' });
    assert.deepEqual(periodParams('24h'), { range: '24h' });
  });

  test('labelled by its days', () => {
    const now = new Date(2026, 10, 25);
    assert.equal(customLabel({ from: '2026-11-01', to: '2026-11-15' }, now), '1 Nov – 15 Nov');
    assert.equal(customLabel({ from: '2026-11-03', to: '2026-11-03' }, now), '3 Nov');
    assert.equal(customLabel({ from: '2025-12-30', to: '2026-01-02' }, now), '30 Dec 2025 – 2 Jan 2026');
    assert.equal(customDays({ from: '2026-11-01', to: '2026-11-15' }), 15);
  });
});
