import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadJson } from '../../src/load/report.js';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { shareWorld } from '../../src/target/world.js';
import { runScimsim } from '../helpers/run-cli.js';

describe('shards share the world they play', () => {
  it('gives each of n shards 1/n of the rate limit, and nothing else changes', async () => {
    const staging = resolveProfile(await loadProfile('fixtures/servers/staging.json', process.cwd()));
    const limit = staging.limits.rateLimit;
    expect(limit).toBeDefined();
    const third = shareWorld(staging, 3);
    expect(third.limits.rateLimit?.requestsPerSecond).toBeCloseTo((limit?.requestsPerSecond ?? 0) / 3, 9);
    expect(third.limits.rateLimit?.burst).toBeCloseTo(Math.max(1, (limit?.burst ?? 0) / 3), 9);
    expect({ ...third, limits: { ...third.limits, rateLimit: undefined } }).toEqual({ ...staging, limits: { ...staging.limits, rateLimit: undefined } });
    expect(shareWorld(staging, 1)).toBe(staging);
  });

  it('merged shards of a throttling world give the unsharded verdict and figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-shards-429-'));
    // Enough slots that neither run drops an iteration: the client side is the same in both.
    const args = ['load', '--env', 'fixtures/env/baseline.env', '--set', 'SCIM_RATE_LIMIT_RPS=0', '--set', 'SCIM_MAX_CONCURRENCY=256', '--server-profile', 'fixtures/servers/staging.json', '--rate', '25', '--duration', '20s', '--threshold', 'throttled.rate<0.05', '--threshold', 'errors.rate<0.5', '--format', 'json'];
    const whole = await runScimsim(args);
    const files: string[] = [];
    for (const i of [1, 2, 3]) {
      const file = join(dir, `shard-${i}.json`);
      await runScimsim([...args, '--shard', `${i}/3`, '--out', file]);
      files.push(file);
    }
    const merged = await runScimsim(['report', 'merge', ...files, '--format', 'json']);
    const a = JSON.parse(whole.stdout) as LoadJson;
    const b = JSON.parse(merged.stdout) as LoadJson;
    expect(a.iterations.dropped + b.iterations.dropped).toBe(0);
    expect(whole.code).toBe(2);
    expect(merged.code).toBe(whole.code);
    expect(b.thresholds.map((t) => t.ok)).toEqual(a.thresholds.map((t) => t.ok));
    // 25 joiners/s make ~60 requests/s against 25/s: most are throttled, sharded or not.
    expect(a.totals.throttledShare).toBeGreaterThan(0.3);
    expect(Math.abs(b.totals.throttledShare - a.totals.throttledShare)).toBeLessThan(0.05);
    expect(b.operations.create.latencyMs.p95).toBeGreaterThan(a.operations.create.latencyMs.p95 * 0.8);
    expect(b.operations.create.latencyMs.p95).toBeLessThan(a.operations.create.latencyMs.p95 * 1.25);
  });
});
