import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEnvSet, loadEnvSet } from '../../src/env/load.js';
import { rehearse } from '../../src/rehearse/engine.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.js';
import { BASE_PATH, TOKEN } from '../helpers/live.js';
import { scimSettings } from '../helpers/scim-settings.js';
import { expectAddsUp } from '../helpers/rehearse-invariants.js';

/** A live rehearsal whose reads all fail cannot call anything safe: its accounts are unverified. */
let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a live rehearsal against a server whose reads answer 503', () => {
  it('counts the unverified accounts of both replays and is inconclusive, not safe', async () => {
    server = await startHostileServer('reads-503', scimSettings(`http://127.0.0.1${BASE_PATH}`, { auth: { mode: 'bearer', token: TOKEN } }));
    const cwd = process.cwd();
    const baseline = await loadEnvSet({ files: ['fixtures/env/baseline.env'], cwd });
    const text = [...baseline.values].map(([k, v]) => `${k}=${v.value}`).join('\n');
    const on = `SCIM_API_BASE_URL=${server.baseUrl}\nSCIM_RATE_LIMIT_RPS=0\nSCIM_MAX_RETRIES=0`;
    const base = buildEnvSet([{ label: 'baseline.env', text }, { label: 'target', text: on }], {});
    const candidate = buildEnvSet([{ label: 'baseline.env', text }, { label: 'target', text: on }, { label: 'candidate.env', text: 'SCIM_PAGE_SIZE=50' }], {});
    const report = await rehearse({
      base,
      candidate,
      labels: { base: 'baseline.env', candidate: 'candidate.env' },
      scenario: await loadScenario('scenarios/lifecycle.yaml', cwd),
      users: 30,
      seed: 1,
      dialect: 'rfc',
      target: 'live',
      cwd: await mkdtemp(join(tmpdir(), 'scimsim-rehearse-503-')),
    });
    expect(report.baseline.unverified).toBeGreaterThan(0);
    expect(report.candidate.unverified).toBeGreaterThan(0);
    expect(report.verdict).not.toBe('safe');
    expectAddsUp(report);
  });
});
