import { describe, expect, it } from 'vitest';
import { loadEnvSet } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { executeRun } from '../../src/run/execute.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';

const cwd = process.cwd();
const scenario = await loadScenario('scenarios/lifecycle.yaml', cwd);
const baseline = resolveSettings(await loadEnvSet({ files: ['fixtures/env/baseline.env'], cwd }));
// A server without PUT: every mover is blocked at its update when the client updates with PUT.
const noPut = resolveProfile({ name: 'no-put', description: 'PUT answers 501', capabilities: { put: false } });

describe('a run that skips blocked accounts (a cause search replay)', () => {
  it('blocks exactly the same accounts at the same stage, with fewer requests', async () => {
    const settings = { ...baseline, updateMethod: 'put' as const };
    const request = { settings, scenario, users: 300, seed: 2, dialect: 'rfc' as const, target: 'mock' as const, world: { profile: noPut, settings: baseline } };
    const every = await executeRun(request);
    const skipping = await executeRun({ ...request, skipBlocked: true });
    expect(every.report.summary.blocked).toBeGreaterThan(30);
    expect([...skipping.ledger.failStage]).toEqual([...every.ledger.failStage]);
    expect(skipping.report.summary.requests).toBeLessThan(every.report.summary.requests);
  });
});
