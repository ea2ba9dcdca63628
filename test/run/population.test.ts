import { describe, expect, it } from 'vitest';
import { loadEnvSet, buildEnvSet, type EnvSet } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { resolveProfile, type ResolvedProfile } from '../../src/mock/profile/resolve-profile.js';
import type { PopulationSpec } from '../../src/mock/profile/types.js';
import { rehearse } from '../../src/rehearse/engine.js';
import { executeRun } from '../../src/run/execute.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { expectAddsUp } from '../helpers/rehearse-invariants.js';

const cwd = process.cwd();
const scenario = await loadScenario('scenarios/lifecycle.yaml', cwd);
const baseline = await loadEnvSet({ files: ['fixtures/env/baseline.env'], cwd });
const baselineText = [...baseline.values].map(([k, v]) => `${k}=${v.value}`).join('\n');

function envWith(extra: string): EnvSet {
  return buildEnvSet([{ label: 'baseline.env', text: baselineText }, ...(extra === '' ? [] : [{ label: 'candidate.env', text: extra }])], {});
}

/** The RFC-ideal world, holding `population` of the run's users before it starts. */
function world(population?: PopulationSpec): ResolvedProfile {
  return resolveProfile({ name: population ? 'populated' : 'empty', description: 'test world', ...(population ? { population } : {}) });
}

async function rehearseOn(profile: ResolvedProfile, candidate: string) {
  const report = await rehearse({
    base: envWith(''),
    candidate: envWith(candidate),
    labels: { base: 'baseline.env', candidate: 'candidate.env' },
    scenario,
    users: 120,
    seed: 4,
    dialect: 'rfc',
    target: 'mock',
    world: { profile, name: profile.name, builtFor: 'baseline.env' },
    workers: 1,
  });
  expectAddsUp(report);
  return report;
}

describe('a world with accounts already on it', () => {
  it('matches the run users it already holds instead of creating them again, blocking nothing', async () => {
    const settings = resolveSettings(envWith(''));
    const profile = world({ count: 40, matchedBy: 'userName' });
    const { report } = await executeRun({ settings, scenario, users: 120, seed: 4, dialect: 'rfc', target: 'mock', world: { profile, settings } });
    expect(report.summary.blocked).toBe(0);
    expect(report.summary.unverified).toBe(0);
    const byStage = report.summary.byStage as Record<string, number | undefined>;
    expect(byStage.create ?? 0).toBe(0);
  });

  it('blames SCIM_USER_MATCH_ATTRIBUTE for the accounts provisioned by userName it no longer finds (409 at create)', async () => {
    const report = await rehearseOn(world({ count: 40, matchedBy: 'userName' }), 'SCIM_USER_MATCH_ATTRIBUTE=externalId');
    expect(report.verdict).toBe('blocks-accounts');
    expect(report.attribution).toHaveLength(1);
    const row = report.attribution[0];
    expect(row?.variables).toEqual(['SCIM_USER_MATCH_ATTRIBUTE']);
    expect(row?.blocked).toBe(40);
    expect(row?.byStage).toEqual({ create: 40 });
    expect(row?.reasons[0]).toMatchObject({ status: 409, scimType: 'uniqueness' });
    expect(report.changes.find((c) => c.variable === 'SCIM_USER_MATCH_ATTRIBUTE')?.effect).toBe('blocks');
  });

  it('judges the same change harmless where the accounts carry the source externalId', async () => {
    const report = await rehearseOn(world({ count: 40, matchedBy: 'externalId' }), 'SCIM_USER_MATCH_ATTRIBUTE=externalId');
    expect(report.newlyBlocked).toBe(0);
    expect(report.changes.find((c) => c.variable === 'SCIM_USER_MATCH_ATTRIBUTE')?.effect).toBe('harmless');
    expect(report.verdict).toBe('safe');
  });

  it('leaves the same change not judged on an empty world, which cannot show its harm', async () => {
    const report = await rehearseOn(world(), 'SCIM_USER_MATCH_ATTRIBUTE=externalId');
    expect(report.newlyBlocked).toBe(0);
    const change = report.changes.find((c) => c.variable === 'SCIM_USER_MATCH_ATTRIBUTE');
    expect(change?.effect).toBe('not-judged');
    expect(report.verdict).toBe('inconclusive');
  });

  it('blames SCIM_USERNAME_DOMAIN for the duplicates a new domain creates beside the accounts already there', async () => {
    const report = await rehearseOn(world({ count: 25, matchedBy: 'externalId' }), 'SCIM_USERNAME_DOMAIN=newco.example');
    expect(report.attribution.map((r) => r.variables)).toEqual([['SCIM_USERNAME_DOMAIN']]);
    expect(report.attribution[0]?.blocked).toBe(25);
    expect(report.attribution[0]?.reasons[0]).toMatchObject({ error: 'duplicate-account' });
  });
});
