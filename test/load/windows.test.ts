import { describe, expect, it } from 'vitest';
import { LatencyStats } from '../../src/load/metrics.js';
import { loadReportFromJson, mergeLoadReports, type LoadJson } from '../../src/load/report.js';
import { LoadWindows, MAX_WINDOWS, windowWidthMs, type WindowsJson } from '../../src/load/windows.js';
import { renderLoadJson } from '../../src/report/load.js';
import { validateLoadJson } from '../../src/report/validate-load-json.js';
import type { HttpOutcome } from '../../src/scim/client/http.js';
import { runScimsim } from '../helpers/run-cli.js';

function outcome(ok: boolean, attempts = 1, throttled?: number): HttpOutcome {
  return { ok, status: ok ? 200 : 500, attempts, latencyMs: 0, body: undefined, headers: {}, ...(throttled !== undefined ? { throttled } : {}) };
}

async function loadJson(args: string[] = []): Promise<LoadJson> {
  const result = await runScimsim(['load', '--env', 'fixtures/env/baseline.env', '--rate', '5', '--duration', '3s', '--format', 'json', ...args]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as LoadJson;
}

describe('window width', () => {
  it.each([
    [2_000, 1_000],
    [60_000, 1_000],
    [90_000, 2_000],
    [300_000, 5_000],
    [3_600_000, 60_000],
  ])('a %i ms schedule is cut into windows of %i ms', (duration, width) => {
    expect(windowWidthMs(duration)).toBe(width);
  });
});

describe('LoadWindows', () => {
  it('counts each operation in the window it finished in, with counts, errors, 429s and percentiles', () => {
    const windows = new LoadWindows(1000);
    windows.record('create', 10, outcome(true), 20);
    windows.record('create', 999, outcome(false), 40);
    windows.record('create', 2500, outcome(true, 3, 2), 900);
    windows.record('lookup', 1000, outcome(true), 5);
    const create = windows.of('create');
    expect(create.map((w) => w.startMs)).toEqual([0, 2000]);
    expect(create[0]?.stats).toMatchObject({ count: 2, errors: 1, requests: 2, throttled: 0 });
    expect(create[1]?.stats).toMatchObject({ count: 1, errors: 0, requests: 3, throttled: 2 });
    // HDR keeps 3 significant digits: the median is 20 ms within 0.1 %.
    expect(create[0]?.stats.latency.percentileMs(50)).toBeCloseTo(20, 1);
    expect(create[0]?.stats.latency.percentileMs(99)).toBe(40);
    expect(windows.of('lookup').map((w) => w.startMs)).toEqual([1000]);
    expect(windows.of('list')).toEqual([]);
    expect(windows.endMs()).toBe(3000);
    // A window past the last one a report may hold counts in the last.
    windows.record('list', 1e12, outcome(true), 1);
    expect(windows.of('list').map((w) => w.startMs)).toEqual([(MAX_WINDOWS - 1) * 1000]);
  });

  it('reads back what it writes, and adds window by window as one recorder would', () => {
    const a = new LoadWindows(1000);
    const b = new LoadWindows(1000);
    const whole = new LoadWindows(1000);
    for (let i = 0; i < 200; i++) {
      const at = (i * 37) % 5000;
      const ms = 1 + ((i * 7919) % 400);
      const o = outcome(i % 13 !== 0, 1 + (i % 3), i % 5 === 0 ? 1 : undefined);
      (i % 2 === 0 ? a : b).record('update', at, o, ms);
      whole.record('update', at, o, ms);
    }
    const json = JSON.parse(JSON.stringify(a.toJSON())) as WindowsJson;
    expect(LoadWindows.fromJSON(json).toJSON()).toEqual(a.toJSON());
    const merged = LoadWindows.fromJSON(json);
    merged.add(b);
    expect(merged.toJSON()).toEqual(whole.toJSON());
    for (const w of merged.of('update')) {
      const one = whole.of('update').find((x) => x.startMs === w.startMs);
      expect(w.stats.latency.percentileMs(95)).toBe(one?.stats.latency.percentileMs(95));
    }
    expect(() => merged.add(new LoadWindows(2000))).toThrow(/cannot merge/);
  });

  it('derives the per-window percentiles from the same HDR histograms as the whole-test figures', () => {
    const windows = new LoadWindows(1000);
    const stats = new LatencyStats();
    for (let i = 1; i <= 100; i++) {
      windows.record('list', 100, outcome(true), i * 3);
      stats.record(i * 3);
    }
    const [w] = windows.toJSON().operations.list;
    expect(w?.latencyMs).toEqual(stats.summary());
    expect(w?.histogram).toMatch(/^HISTF/);
  });
});

describe('per-window figures in the load JSON', () => {
  it('a mock load test has windows of every operation it ran, adding up to the whole-test counts', async () => {
    const json = await loadJson();
    expect(validateLoadJson(json)).toEqual([]);
    const windows = json.windows as WindowsJson;
    expect(windows.widthMs).toBe(1000);
    for (const [op, list] of Object.entries(windows.operations)) {
      const o = json.operations[op as keyof LoadJson['operations']];
      expect(list.reduce((n, w) => n + w.count, 0), op).toBe(o.count);
      expect(list.reduce((n, w) => n + w.errors, 0), op).toBe(o.errors);
      expect(list.reduce((n, w) => n + w.requests, 0), op).toBe(o.requests);
      expect(list.reduce((n, w) => n + w.throttled, 0), op).toBe(o.throttled);
    }
    expect(windows.operations.create.length).toBeGreaterThanOrEqual(3);
    // Same seed, same windows (the mock runs on a virtual clock).
    expect((await loadJson()).windows).toEqual(windows);
  });

  it('an old report without windows still reads, renders and merges, without windows', async () => {
    const json = await loadJson(['--shard', '1/2']);
    const second = await loadJson(['--shard', '2/2']);
    const { windows: _w, ...old } = json;
    expect(validateLoadJson(old)).toEqual([]);
    const report = loadReportFromJson(old, 'old.json');
    expect(report.windows).toBeUndefined();
    expect(JSON.parse(renderLoadJson(report))).not.toHaveProperty('windows');
    const mixed = mergeLoadReports([{ report, file: 'old.json' }, { report: loadReportFromJson(second, 'new.json'), file: 'new.json' }]);
    expect(mixed.windows).toBeUndefined();
    const both = mergeLoadReports([{ report: loadReportFromJson(json, 'a.json'), file: 'a.json' }, { report: loadReportFromJson(second, 'b.json'), file: 'b.json' }]);
    expect(both.windows?.of('lookup').reduce((n, w) => n + w.stats.count, 0)).toBe(both.operations.lookup.count);
  });

  it('refuses windows that are not of the shape it writes, each problem with its path', async () => {
    const json = await loadJson();
    const windows = json.windows as WindowsJson;
    const first = windows.operations.create[0];
    const bad = (patch: unknown): string[] => validateLoadJson({ ...json, windows: patch });
    expect(bad({ ...windows, widthMs: 0 })).toEqual(['windows.widthMs: 0 is outside 1000..86400000']);
    expect(bad({ ...windows, operations: { ...windows.operations, create: [{ ...first, startMs: 1500 }] } })).toEqual(['windows.operations.create[0].startMs: 1500 is not a multiple of windows.widthMs 1000']);
    expect(bad({ ...windows, operations: { ...windows.operations, create: [first, first] } })).toEqual(['windows.operations.create[1].startMs: 0 does not come after the window before it (0)']);
    expect(bad({ ...windows, operations: { ...windows.operations, create: [{ ...first, startMs: 1e12 }] } })).toEqual([`windows.operations.create[0].startMs: 1000000000000 is past the last window (${MAX_WINDOWS} of 1000 ms)`]);
    expect(bad({ ...windows, operations: { ...windows.operations, list: 'none' } })).toEqual(['windows.operations.list: expected a list, found the string "none"']);
    expect(bad({ ...windows, operations: { ...windows.operations, create: [{ ...first, count: -1, histogram: 7 }] } })).toEqual([
      'windows.operations.create[0].count: -1 is outside 0..1000000000000',
      'windows.operations.create[0].histogram: expected a string, found 7',
    ]);
  });
});
