import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEnvSet, type EnvSet } from '../../src/env/load.js';
import { startMockServer, type MockServer } from '../../src/mock/adapters/server.js';
import type { ProviderRequest, ProviderResponse } from '../../src/mock/core/http.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { resolveProfile, type ResolvedProfile } from '../../src/mock/profile/resolve-profile.js';
import { RehearseTargetDirty, rehearse } from '../../src/rehearse/engine.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../src/scenario/load-scenario.js';
import { providerOptionsFor } from '../../src/target/world.js';
import { BASE_PATH, TOKEN } from '../helpers/live.js';
import { expectAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';
import { scimSettings } from '../helpers/scim-settings.js';

/**
 * Live rehearsals against the embedded provider served over loopback HTTP (the server
 * `scimsim mock` runs), whose store the tests read directly.
 */
const scenario = await loadScenario(DEFAULT_SCENARIO_PATH, process.cwd());
let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function serve(profile: ResolvedProfile, wrap?: (provider: ScimProvider) => ScimProvider): Promise<{ provider: ScimProvider; origin: string }> {
  const placeholder = scimSettings(`http://127.0.0.1${BASE_PATH}`, { auth: { mode: 'bearer', token: TOKEN } });
  const plain = new ScimProvider(providerOptionsFor(placeholder, profile, 'live-rehearse'));
  const provider = wrap ? wrap(plain) : plain;
  mock = await startMockServer(provider);
  return { provider, origin: mock.origin };
}

function envSet(origin: string, extra = ''): EnvSet {
  const text = [
    `SCIM_API_BASE_URL=${origin}${BASE_PATH}`,
    'SCIM_AUTH_MODE=bearer',
    `SCIM_AUTH_TOKEN=${TOKEN}`,
    'SCIM_PAGE_SIZE=100',
    'SCIM_MAX_CONCURRENCY=32',
    'SCIM_RATE_LIMIT_RPS=0',
    'SCIM_TIMEOUT_MS=3000',
    'SCIM_MAX_RETRIES=2',
  ].join('\n');
  return buildEnvSet([{ label: 'base.env', text }, ...(extra === '' ? [] : [{ label: 'candidate.env', text: extra }])], {});
}

/** Users and groups on the target that carry any scimsim run marker. */
function marked(provider: ScimProvider): { users: number; groups: number; markers: Set<string> } {
  const users = provider.store.all('User').filter((u) => String(u.data.externalId ?? '').startsWith('scimsim-'));
  const groups = provider.store.all('Group').filter((g) => String(g.data.displayName ?? '').startsWith('scimsim-'));
  const markers = new Set(users.map((u) => String(u.data.externalId).replace(/-\d+$/, '')));
  return { users: users.length, groups: groups.length, markers };
}

/** A server whose first DELETE of each resource answers 503 (a retry succeeds). */
function firstDeleteFails(inner: ScimProvider): ScimProvider {
  const seen = new Set<string>();
  const wrapped = Object.create(inner) as ScimProvider;
  wrapped.handle = (request: ProviderRequest, now: number): ProviderResponse => {
    if (request.method === 'DELETE' && !seen.has(request.url)) {
      seen.add(request.url);
      return { status: 503, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503', detail: 'try again' }), latencyMs: 0 };
    }
    return inner.handle(request, now);
  };
  return wrapped;
}

/** A server that refuses to delete users, ever (and to deactivate them): no run can clean up after itself. */
function sticky(inner: ScimProvider): ScimProvider {
  const wrapped = Object.create(inner) as ScimProvider;
  wrapped.handle = (request: ProviderRequest, now: number): ProviderResponse => {
    const body = request.body ?? '';
    if (/\/Users\/[^/?]+$/.test(request.url) && (request.method === 'DELETE' || (request.method === 'PATCH' && body.includes('active')))) {
      return { status: 503, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503', detail: 'try later' }), latencyMs: 0 };
    }
    return inner.handle(request, now);
  };
  return wrapped;
}

describe('a live rehearsal', () => {
  it('cleans up every replay with the baseline settings, so a candidate that cannot clean up on its own leaves nothing behind and no replay meets another\'s accounts', async () => {
    // Every first DELETE of a resource answers 503: the candidate (no retries) cannot remove what it
    // created; the baseline (two retries) can. Deterministic, whatever the machine's load.
    const { provider, origin } = await serve(resolveProfile({ name: 'flaky-delete', description: 'the first DELETE of each resource fails' }), firstDeleteFails);
    const base = envSet(origin);
    const candidate = envSet(origin, 'SCIM_MAX_RETRIES=0\nSCIM_PAGE_SIZE=50');
    const cwd = await mkdtemp(join(tmpdir(), 'scimsim-live-rehearse-'));
    const runIds: string[] = [];
    const report = await rehearse({ base, candidate, labels: { base: 'base.env', candidate: 'candidate.env' }, scenario, users: 30, seed: 5, dialect: 'rfc', target: 'live', cwd, onRunId: (id) => runIds.push(id) });
    expectAddsUp(report);
    expect(report.newlyBlocked).toBeGreaterThan(0);
    expect(report.unexplained).toBe(0);
    // The scenario's deletes fail under the candidate: retries are to blame, the page size is not.
    expect(report.attribution.map((a) => a.variables)).toEqual([['SCIM_MAX_RETRIES']]);
    expect(report.attribution[0]?.byStage).toEqual({ delete: report.newlyBlocked });
    expect(report.changes.find((c) => c.variable === 'SCIM_PAGE_SIZE')?.effect).toBe('harmless');
    expect(report.attribution.flatMap((a) => a.reasons).some((r) => r.error === 'foreign-account')).toBe(false);
    // The search replays only the newly blocked accounts and a control sample.
    expect(report.runs.scoped).toBeGreaterThan(0);
    expect(report.requests.search).toBeLessThan(report.requests.baseline);
    // The target is as it was: nothing marked, by any replay.
    expect(marked(provider)).toMatchObject({ users: 0, groups: 0 });
    expect(runIds.length).toBe(report.runs.full + report.runs.scoped);
    expect(new Set(runIds).size).toBe(runIds.length);
  });

  it('stops with what is left, before any later replay, when a replay\'s cleanup cannot verify the target clean', async () => {
    const { provider, origin } = await serve(resolveProfile({ name: 'sticky', description: 'users cannot be removed' }), sticky);
    const base = envSet(origin, 'SCIM_MAX_RETRIES=0');
    const candidate = envSet(origin, 'SCIM_MAX_RETRIES=0\nSCIM_PAGE_SIZE=50');
    const cwd = await mkdtemp(join(tmpdir(), 'scimsim-live-dirty-'));
    const runIds: string[] = [];
    const error = await rehearse({ base, candidate, labels: { base: 'base.env', candidate: 'candidate.env' }, scenario, users: 10, seed: 5, dialect: 'rfc', target: 'live', cwd, onRunId: (id) => runIds.push(id) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RehearseTargetDirty);
    const dirty = error as RehearseTargetDirty;
    expect(dirty.left.length).toBeGreaterThan(0);
    expect(dirty.left.every((l) => l.kind === 'User')).toBe(true);
    // Exactly one replay ran: its accounts are the only marked ones, and its journal names it.
    expect(runIds).toEqual([dirty.runId]);
    expect(marked(provider).markers.size).toBe(1);
    expect(await readdir(join(cwd, '.scimsim', 'runs'))).toEqual([`${dirty.runId}.jsonl`]);

    // The CLI says what is left and the command that removes it, exit 1 (on a fresh target).
    await mock?.close();
    const fresh = await serve(resolveProfile({ name: 'sticky', description: 'users cannot be removed' }), sticky);
    const baseFile = join(cwd, 'base.env');
    const candidateFile = join(cwd, 'candidate.env');
    const lines = (set: EnvSet): string => [...set.values].map(([k, v]) => `${k}=${v.value}`).join('\n').replaceAll(origin, fresh.origin);
    await writeFile(baseFile, lines(base));
    await writeFile(candidateFile, lines(candidate));
    const cli = await runScimsim(['rehearse', '--target', 'live', '--base', baseFile, '--candidate', candidateFile, '--users', '10', '--seed', '5'], { cwd });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/could not bring the target back to its starting state; \d+ resources are left, so no later replay ran/);
    expect(cli.stderr).toMatch(new RegExp(`scimsim cleanup --env ${baseFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --run-id \\S+`));
    expect(cli.stderr).not.toContain(TOKEN);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });
});
