import { describe, expect, it } from 'vitest';
import { loadEnvSet } from '../../src/env/load.js';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { rehearse, type RehearseRequest } from '../../src/rehearse/engine.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { workerReplayer } from '../../src/rehearse/replayer.js';
import { expectAddsUp } from '../helpers/rehearse-invariants.js';

const cwd = process.cwd();

async function demo(workers: number): Promise<{ report: Awaited<ReturnType<typeof rehearse>>; labels: string[] }> {
  const labels: string[] = [];
  const request: RehearseRequest = {
    base: await loadEnvSet({ files: ['fixtures/env/baseline.env'], cwd }),
    candidate: await loadEnvSet({ files: ['fixtures/env/candidate.env'], cwd }),
    labels: { base: 'baseline.env', candidate: 'candidate.env' },
    scenario: await loadScenario('scenarios/lifecycle.yaml', cwd),
    users: 600,
    seed: 3,
    dialect: 'rfc',
    target: 'mock',
    world: { profile: resolveProfile(await loadProfile('fixtures/servers/staging.json', cwd)), name: 'staging', builtFor: 'fixtures/env/baseline.env' },
    workers,
    onRun: (label) => labels.push(label),
  };
  return { report: await rehearse(request), labels };
}

describe('rehearse in worker threads', () => {
  it('finds the compiled worker (npm test builds dist first)', async () => {
    const replayer = workerReplayer(2);
    expect(replayer.parallel).toBe(2);
    await replayer.close();
  });

  it('gives the same attribution, runs and order of replays as in this thread', async () => {
    const one = await demo(1);
    const two = await demo(2);
    const { timing: _a, ...inThread } = one.report;
    const { timing: _b, ...inWorkers } = two.report;
    expect(inWorkers).toEqual(inThread);
    expectAddsUp(one.report);
    expect(two.labels).toEqual(one.labels);
    expect(one.report.attribution.length).toBeGreaterThanOrEqual(3);
    expect(one.report.runs.full).toBeGreaterThan(2);
  });
});
