import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/adapters/server.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { loadDefaultProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import type { LoadJson } from '../../src/load/report.js';
import { BASE_PATH, TOKEN, scimsim, targetArgs, tempDir, totalOn } from '../helpers/live.js';
import { runScimsim } from '../helpers/run-cli.js';

/** The staging world without the client's own rate cap: 25 joiners/s meet its 429s at once. */
const THROTTLED = ['load', '--env', 'fixtures/env/baseline.env', '--set', 'SCIM_RATE_LIMIT_RPS=0', '--set', 'SCIM_MAX_CONCURRENCY=32', '--server-profile', 'fixtures/servers/staging.json', '--rate', '25', '--duration', '10m'];

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('load --abort-on-fail', () => {
  it('stops a failing test early on the mock, says it aborted, and exits 2', async () => {
    const done = await runScimsim([...THROTTLED, '--threshold', 'throttled.rate<0.01:abort', '--threshold', 'errors.rate<0.5', '--format', 'json']);
    expect(done.code).toBe(2);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json.aborted?.threshold).toBe('throttled.rate<0.01');
    expect(json.aborted?.atMs).toBeLessThan(60_000);
    expect(json.partial).toBe(true);
    expect(json.verdict).toBe('fail');
    expect(json.iterations.scheduled).toBeLessThan(15_000);
    expect(done.stderr).toContain('aborted: throttled.rate<0.01 failed at');
    const junit = await runScimsim([...THROTTLED, '--threshold', 'throttled.rate<0.01:abort', '--format', 'junit']);
    expect(junit.code).toBe(2);
    expect(junit.stdout).toMatch(/<testcase name="load ran to the end"[^>]*>\s*<failure message="aborted at [\d.]+ s: throttled.rate&lt;0.01 failed/);
  });

  it('waits for the grace period before aborting, and names the abort in the verdict line', async () => {
    const done = await runScimsim([...THROTTLED, '--threshold', 'throttled.rate<0.01', '--abort-on-fail', '--abort-grace', '30s']);
    expect(done.code).toBe(2);
    expect(done.stdout.split('\n')[0]).toContain('ABORTED');
    const last = done.stdout.trimEnd().split('\n').at(-1) ?? '';
    const at = Number(/^✖ aborted at ([\d.]+) s on throttled\.rate<0\.01; thresholds failed: 1 of 1/.exec(last)?.[1]);
    expect(at).toBeGreaterThanOrEqual(30);
    expect(at).toBeLessThan(60);
  });

  it('never aborts on a threshold that can still pass, and refuses a grace period without --abort-on-fail', async () => {
    const done = await runScimsim(['load', '--env', 'fixtures/env/baseline.env', '--rate', '5', '--duration', '20s', '--threshold', 'count>1000000:abort', '--format', 'json']);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json.aborted).toBeUndefined();
    expect(json.iterations.scheduled).toBe(100);
    expect(done.code).toBe(2);
    const bad = await runScimsim(['load', '--env', 'fixtures/env/baseline.env', '--rate', '5', '--duration', '20s', '--abort-grace', '10s']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--abort-grace goes with --abort-on-fail');
  });

  it('stops a live test against the loopback mock as soon as a threshold fails, and removes every joiner', async () => {
    const profile = resolveProfile(await loadDefaultProfile());
    server = await startMockServer(new ScimProvider({ profile, basePath: BASE_PATH, tenantId: 'acme-staging', bearerTokens: [TOKEN], seed: 6 }));
    const origin = server.origin;
    // No real server answers a lookup in 1 µs: the threshold fails on the first sample.
    const done = await scimsim(['load', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--rate', '20', '--duration', '2m', '--threshold', 'lookup.server.p95<0.001', '--abort-on-fail', '--format', 'json'], {
      cwd: await tempDir('scimsim-load-abort-'),
    });
    expect(done.code).toBe(2);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json.aborted?.threshold).toBe('lookup.server.p95<0.001');
    expect(json.partial).toBe(true);
    expect(json.iterations.scheduled).toBeLessThan(2400);
    expect(json.live?.cleanup?.users.removed).toBe(json.operations.create.count - json.operations.create.errors);
    expect(await totalOn(origin, 'Users')).toBe(0);
    expect(done.stderr).toContain('aborted: lookup.server.p95<0.001 failed');
  }, 90_000);
});
