import { describe, expect, it } from 'vitest';
import type { LoadJson } from '../../src/load/report.js';
import { runScimsim } from '../helpers/run-cli.js';

const BASE = ['load', '--env', 'fixtures/env/baseline.env'];
/** A token the world (built for the baseline) refuses: every request answers 401. */
const WRONG_TOKEN = [...BASE, '--baseline', 'fixtures/env/baseline.env', '--set', 'SCIM_AUTH_TOKEN=stg-wrong-0000000000000000000000000000'];

describe('load verdicts that cannot pass by accident', () => {
  it('fails a latency threshold with no data when every request failed, and says so first and last', async () => {
    const done = await runScimsim([...WRONG_TOKEN, '--rate', '5', '--duration', '10s', '--threshold', 'create.p95<500', '--threshold', 'lookup.p95<500']);
    expect(done.code).toBe(2);
    const lines = done.stdout.trimEnd().split('\n');
    // The summary starts with requests, errors and dropped iterations (after the header lines).
    expect(lines.slice(0, 4).join('\n')).toMatch(/\d+ requests · 50 failed operations of 50 \(100\.00%\) · 0 of 50 iterations dropped/);
    expect(done.stdout).toContain('✖ create.p95<500  (no data: no create request was sent)');
    expect(done.stdout).toContain('✖ lookup.p95<500  (no data: every lookup request failed (50 of 50))');
    expect(lines.at(-1)).toBe('✖ thresholds failed: 2 of 2 (2 with no data); and every lookup failed (50)');
    expect(done.stdout).not.toContain('thresholds met');
  });

  it('writes no data as a null measurement in JSON, with the problems listed', async () => {
    const done = await runScimsim([...WRONG_TOKEN, '--rate', '5', '--duration', '4s', '--threshold', 'errors.count==0', '--threshold', 'update.errors.rate<0.5', '--format', 'json']);
    expect(done.code).toBe(2);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json.verdict).toBe('fail');
    expect(json.thresholds).toEqual([
      { expression: 'errors.count==0', ok: false, actual: 20 },
      { expression: 'update.errors.rate<0.5', ok: false, actual: null, noData: 'no update request was sent' },
    ]);
    expect(json.problems).toEqual(['every lookup failed (20)']);
  });

  it('names dropped iterations in the verdict line even when every threshold holds', async () => {
    // 8 slots and the client's own 35 requests/s cannot serve 40 joiners/s.
    const done = await runScimsim([...BASE, '--set', 'SCIM_RATE_LIMIT_RPS=35', '--rate', '40', '--duration', '10s', '--threshold', 'errors.rate<0.5']);
    expect(done.code).toBe(0);
    const last = done.stdout.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^⚠ thresholds met: 1 of 1, but [\d,]+ of 400 iterations dropped$/);
  });

  it('keeps server time apart from iteration time: the rate-cap wait is in one and not the other', async () => {
    const done = await runScimsim([...BASE, '--server-profile', 'fixtures/servers/default.json', '--set', 'SCIM_RATE_LIMIT_RPS=35', '--rate', '40', '--duration', '10s', '--threshold', 'lookup.server.p95<50', '--threshold', 'lookup.p95<50', '--format', 'json']);
    const json = JSON.parse(done.stdout) as LoadJson;
    const lookup = json.operations.lookup;
    // The default world answers at once; the client's own cap makes lookups wait.
    expect(lookup.server?.latencyMs.p95).toBeLessThan(50);
    expect(lookup.latencyMs.p50).toBeGreaterThan(100);
    expect(json.thresholds.map((t) => [t.expression, t.ok])).toEqual([
      ['lookup.server.p95<50', true],
      ['lookup.p95<50', false],
    ]);
    expect(done.code).toBe(2);
  });

  it('measures the simulated server latency of the staging world as server time', async () => {
    const done = await runScimsim([...BASE, '--set', 'SCIM_RATE_LIMIT_RPS=0', '--server-profile', 'fixtures/servers/staging.json', '--rate', '4', '--duration', '20s', '--format', 'json']);
    const json = JSON.parse(done.stdout) as LoadJson;
    const create = json.operations.create;
    // staging creates take ~80 ms at the median, and nothing queues at 4 joiners/s.
    expect(create.server?.latencyMs.p50).toBeGreaterThan(40);
    expect(create.server?.latencyMs.p50).toBeLessThanOrEqual(create.latencyMs.p50);
    expect(create.server?.latencyMs.max).toBeLessThanOrEqual(create.latencyMs.max);
  });
});
