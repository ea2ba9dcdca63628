import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/adapters/server.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { executeRun } from '../../src/run/execute.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../src/scenario/load-scenario.js';
import { providerOptionsFor } from '../../src/target/world.js';
import { BASE_PATH, TOKEN } from '../helpers/live.js';
import { scimSettings } from '../helpers/scim-settings.js';

/**
 * A live run whose own settings cannot clean up (a candidate with a 100 ms timeout and no
 * retries against a server whose DELETE takes 300 ms) cleans up with `cleanupSettings` instead:
 * the same marker and journal, its own client.
 */
let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('a live run with cleanupSettings', () => {
  it('removes what the run created with those settings, and reports clean with nothing left', async () => {
    const placeholder = scimSettings(`http://127.0.0.1${BASE_PATH}`, { auth: { mode: 'bearer', token: TOKEN } });
    const profile = resolveProfile({ name: 'slow-delete', description: 'DELETE takes 300 ms', limits: { latency: { delete: { p50: 300, p99: 300 } } } });
    const provider = new ScimProvider(providerOptionsFor(placeholder, profile, 'slow-delete'));
    mock = await startMockServer(provider);
    const baseUrl = `${mock.origin}${BASE_PATH}`;
    const candidate = scimSettings(baseUrl, { auth: { mode: 'bearer', token: TOKEN }, rateLimitRps: 0, timeoutMs: 100, maxRetries: 0 });
    const baseline = scimSettings(baseUrl, { auth: { mode: 'bearer', token: TOKEN }, rateLimitRps: 0, timeoutMs: 3_000, maxRetries: 2 });
    const scenario = await loadScenario(DEFAULT_SCENARIO_PATH, process.cwd());
    const cwd = await mkdtemp(join(tmpdir(), 'scimsim-cleanup-settings-'));
    const base = { scenario, users: 30, seed: 3, dialect: 'rfc' as const, target: 'live' as const, cwd };

    const own = await executeRun({ ...base, settings: candidate });
    // Every DELETE of its own cleanup timed out; only the verifying search shows them gone.
    expect(own.report.live?.cleanup?.users.removed).toBe(0);

    const withBaseline = await executeRun({ ...base, settings: candidate, cleanupSettings: baseline });
    const cleanup = withBaseline.report.live?.cleanup;
    expect(cleanup?.users.removed).toBeGreaterThan(20);
    expect(cleanup?.groups.removed).toBe(5);
    expect(cleanup?.left).toEqual([]);
    expect(cleanup?.clean).toBe(true);
    expect(provider.store.all('User').filter((u) => String(u.data.externalId).startsWith(`${withBaseline.marker}-`))).toEqual([]);
    expect(provider.store.count('Group')).toBe(0);
  });
});
