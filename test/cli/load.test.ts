import { XMLParser } from 'fast-xml-parser';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { LoadJson } from '../../src/load/report.js';
import { runScimsim } from '../helpers/run-cli.js';

const BASE = ['load', '--env', 'fixtures/env/baseline.env'];
/** The staging world without the client's own rate cap, so the server's 429s show. */
const STAGING = [...BASE, '--set', 'SCIM_RATE_LIMIT_RPS=0', '--server-profile', 'fixtures/servers/staging.json'];

function timingAside(json: LoadJson): Omit<LoadJson, 'timing'> {
  const { timing: _timing, ...rest } = json;
  return rest;
}

describe('scimsim load on the embedded provider', () => {
  it('measures the latency profile per operation and fails a latency threshold with exit 2, shown first', async () => {
    const done = await runScimsim([...STAGING, '--rate', '8', '--duration', '30s', '--threshold', 'errors.rate<0.5', '--threshold', 'create.p95<50']);
    expect(done.code).toBe(2);
    const lines = done.stdout.split('\n');
    const thresholds = lines.indexOf('thresholds');
    expect(lines[thresholds + 1]).toMatch(/^ {2}✖ create\.p95<50 {2}\(measured \d+/);
    expect(lines[thresholds + 2]).toMatch(/^ {2}✔ errors\.rate<0\.5/);
    expect(done.stdout).toMatch(/✖ thresholds failed: 1 of 2/);
    const create = lines.find((l) => l.startsWith('│ create'));
    // staging creates take ~80 ms at the median: far from the default world's 0 ms.
    const p50 = Number(create?.split('│')[6]?.trim());
    expect(p50).toBeGreaterThan(40);
    expect(p50).toBeLessThan(200);
  });

  it('reports the share of 429s and the Retry-After the server sent, in JSON with nothing else on stdout', async () => {
    const done = await runScimsim([...STAGING, '--set', 'SCIM_MAX_CONCURRENCY=32', '--rate', '25', '--duration', '20s', '--threshold', 'throttled.rate<0.01', '--format', 'json']);
    expect(done.code).toBe(2);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json).toMatchObject({ formatVersion: '1.0', command: 'load', verdict: 'fail', target: 'mock', seed: 1 });
    // 25 joiners/s make ~60 requests/s against a 25 requests/s limit.
    expect(json.totals.throttled).toBeGreaterThan(0);
    expect(json.totals.throttledShare).toBeGreaterThan(0.1);
    expect(json.operations.create.throttled).toBeGreaterThan(0);
    expect(json.retryAfter.count).toBe(json.totals.throttled);
    expect(json.retryAfter.values.every((v) => v.ms % 1000 === 0 && v.ms >= 1000)).toBe(true);
    expect(json.thresholds).toEqual([{ expression: 'throttled.rate<0.01', ok: false, actual: expect.any(Number) }]);
    expect(json.thresholds[0]?.actual).toBeCloseTo(json.totals.throttledShare, 5);
    for (const op of ['lookup', 'create', 'update', 'deactivate', 'list'] as const) {
      const o = json.operations[op];
      expect(o.count).toBeGreaterThan(0);
      const l = o.latencyMs;
      expect(l.min).toBeLessThanOrEqual(l.p50);
      expect(l.p50).toBeLessThanOrEqual(l.p90);
      expect(l.p90).toBeLessThanOrEqual(l.p95);
      expect(l.p95).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.max);
      expect(decodeFromCompressedBase64(o.histogram).totalCount).toBe(o.count);
    }
    const ops = Object.values(json.operations);
    expect(json.totals.operations).toBe(ops.reduce((n, o) => n + o.count, 0));
    expect(json.totals.requests).toBe(ops.reduce((n, o) => n + o.requests, 0));
    // Every iteration looks its joiner up first.
    expect(json.operations.lookup.count).toBe(json.iterations.started);
    expect(done.stderr).not.toContain('{');
  });

  it('holds the arrival rate when the target is slow: the overflow is dropped and counted, not quietly slowed', async () => {
    // 8 slots and ~35 rps of the client's own cap cannot serve 40 joiners/s.
    const done = await runScimsim([...BASE, '--set', 'SCIM_RATE_LIMIT_RPS=35', '--rate', '40', '--duration', '10s', '--threshold', 'dropped.count==0', '--format', 'json']);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json.iterations.scheduled).toBe(400);
    expect(json.iterations.dropped).toBeGreaterThan(0);
    expect(json.iterations.started + json.iterations.dropped).toBe(400);
    expect(json.iterations.completed).toBe(json.iterations.started);
    expect(done.code).toBe(2);
    // Lookups count from the scheduled start: the wait for the rate cap shows as latency.
    expect(json.operations.lookup.latencyMs.p50).toBeGreaterThan(100);
  });

  it('passes with exit 0 when every threshold holds, and gives the same report for the same seed', async () => {
    const args = [...STAGING, '--stage', '5s:10', '--stage', '10s:10', '--threshold', 'p99<10000', '--threshold', 'iterations.count>=100', '--format', 'json'];
    const first = await runScimsim(args);
    const second = await runScimsim(args);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout) as LoadJson;
    expect(a.verdict).toBe('pass');
    expect(a.schedule).toMatchObject({ durationMs: 15_000, iterations: 125 });
    expect(timingAside(JSON.parse(second.stdout) as LoadJson)).toEqual(timingAside(a));
    const other = await runScimsim(args.map((x) => (x === '10s:10' ? '10s:11' : x)));
    expect(timingAside(JSON.parse(other.stdout) as LoadJson)).not.toEqual(timingAside(a));
  });

  it('writes JUnit with one failing test case per failed threshold, and markdown with the verdict first', async () => {
    const args = [...STAGING, '--rate', '5', '--duration', '10s', '--threshold', 'create.p99<1', '--threshold', 'errors.rate<0.9'];
    const junit = await runScimsim([...args, '--format', 'junit']);
    expect(junit.code).toBe(2);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(junit.stdout) as { testsuites: { testsuite: { '@_failures': string; testcase: Array<{ '@_name': string; failure?: unknown }> } } };
    const suite = xml.testsuites.testsuite;
    expect(suite['@_failures']).toBe('1');
    expect(suite.testcase.map((c) => [c['@_name'], c.failure !== undefined])).toEqual([
      ['create.p99<1', true],
      ['errors.rate<0.9', false],
    ]);
    const markdown = await runScimsim([...args, '--format', 'markdown']);
    expect(markdown.stdout.split('\n')[0]).toBe('**scimsim load: thresholds failed: 1 of 2**');
    expect(markdown.stdout).toContain('| `create.p99<1` |');
  });

  it('refuses bad flags with one clear message and exit 1', async () => {
    const noRate = await runScimsim([...BASE, '--duration', '30s']);
    expect(noRate.code).toBe(1);
    expect(noRate.stderr).toMatch(/say how much load, with --rate and --duration/);
    const badThreshold = await runScimsim([...BASE, '--rate', '5', '--duration', '5s', '--threshold', 'craete.p95<500']);
    expect(badThreshold.code).toBe(1);
    expect(badThreshold.stderr).toMatch(/'craete\.p95' is not a load metric/);
    expect(badThreshold.stderr).toMatch(/Did you mean/);
    expect(badThreshold.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('sharded load tests', () => {
  it('merge exactly: the merged shard reports equal the unsharded report on the same seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-shards-'));
    const args = [...BASE, '--set', 'SCIM_RATE_LIMIT_RPS=0', '--set', 'SCIM_MAX_CONCURRENCY=64', '--server-profile', 'test/fixtures/servers/steady-latency.json', '--stage', '3s:30', '--stage', '5s:30', '--seed', '5', '--threshold', 'create.p95<100', '--threshold', 'lookup.p99<30', '--format', 'json'];
    const whole = await runScimsim([...args, '--out', join(dir, 'whole.json')]);
    const files: string[] = [];
    for (const i of [1, 2, 3]) {
      const file = join(dir, `shard-${i}.json`);
      const shard = await runScimsim([...args, '--shard', `${i}/3`, '--out', file]);
      expect((JSON.parse(shard.stdout) as LoadJson).shard).toEqual({ index: i - 1, count: 3 });
      files.push(file);
    }
    const merged = await runScimsim(['report', 'merge', ...files, '--format', 'json']);
    expect(merged.code).toBe(whole.code);
    expect(whole.code).toBe(2);
    const a = JSON.parse(whole.stdout) as LoadJson;
    const b = JSON.parse(merged.stdout) as LoadJson;
    expect(b.mergedFrom).toBe(3);
    expect(a.iterations.started).toBe(195);
    const strip = (json: LoadJson): unknown => {
      const { timing: _t, mergedFrom: _m, ...rest } = json;
      return { ...rest, operations: Object.fromEntries(Object.entries(rest.operations).map(([op, o]) => [op, { ...o, histogram: decodeFromCompressedBase64(o.histogram).outputPercentileDistribution() }])) };
    };
    expect(strip(b)).toEqual(strip(a));
    // The per-window figures merge by offset from each shard's start: window for window the unsharded ones.
    expect(a.windows?.operations.create.length).toBeGreaterThanOrEqual(8);
    expect(b.windows).toEqual(a.windows);
    // The shard files are what was printed.
    expect(JSON.parse(await readFile(files[0] as string, 'utf8'))).toEqual(expect.objectContaining({ shard: { index: 0, count: 3 } }));
  });

  it('refuses a merge with a shard missing or given twice, naming the files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-shards-'));
    const args = [...BASE, '--rate', '5', '--duration', '4s', '--format', 'json'];
    for (const i of [1, 2]) await runScimsim([...args, '--shard', `${i}/3`, '--out', join(dir, `s${i}.json`)]);
    const missing = await runScimsim(['report', 'merge', join(dir, 's1.json'), join(dir, 's2.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/shard 3\/3 missing/);
    const twice = await runScimsim(['report', 'merge', join(dir, 's1.json'), join(dir, 's1.json'), join(dir, 's2.json')]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/s1\.json and .*s1\.json are both shard 1\/3/);
    const notJson = await runScimsim(['report', 'merge', 'README.md']);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/README\.md is not JSON/);
  });
});

describe('the progress line', () => {
  async function loadWith(stderrIsTTY: boolean, env: Record<string, string>): Promise<string> {
    const { runCli } = await import('../../src/cli/main.js');
    let stderr = '';
    await runCli([...BASE, '--rate', '5', '--duration', '30s'], {
      stdout: { write: () => true, isTTY: false },
      stderr: { write: (text: string) => ((stderr += text), true), isTTY: stderrIsTTY },
      env,
      cwd: process.cwd(),
    });
    return stderr;
  }

  it('is drawn on a terminal and cleared at the end, and never written to CI logs or pipes', async () => {
    const tty = await loadWith(true, { NO_COLOR: '1' });
    expect(tty).toMatch(/\r\x1b\[2K {2}0% · 0s\/30s · 0 iterations, 0 in flight, 0 dropped/);
    expect(tty.endsWith('\r\x1b[2K')).toBe(true);
    expect(await loadWith(true, { NO_COLOR: '1', CI: 'true' })).toBe('');
    expect(await loadWith(false, { NO_COLOR: '1' })).toBe('');
  });
});
