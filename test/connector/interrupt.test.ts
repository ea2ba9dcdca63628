import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runThroughConnector } from '../../src/connector/run.js';
import { loadAliasFile, loadEnvSet, parseAliases } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../src/scenario/load-scenario.js';

const DIR = 'examples/connectors/event-fetch';
const cwd = process.cwd();

describe('an interrupted connector run', () => {
  it('starts no step after the interrupt and says it is partial, with no verdict on the accounts', async () => {
    const envSet = await loadEnvSet({ files: [`${DIR}/staging.env`], aliases: parseAliases(await loadAliasFile(`${DIR}/aliases.env`, cwd)), cwd });
    const profile = resolveProfile(await loadProfile('fixtures/servers/default.json', cwd));
    const controller = new AbortController();
    controller.abort();
    const { report } = await runThroughConnector({
      connector: { kind: 'node', module: resolve(DIR, 'connector.mjs'), concurrency: 8, name: 'connector.mjs' },
      envSet,
      scenario: await loadScenario(DEFAULT_SCENARIO_PATH, cwd),
      users: 50,
      seed: 1,
      dialect: 'rfc',
      world: { profile, settings: resolveSettings(envSet) },
      signal: controller.signal,
    });
    expect(report.partial).toBe(true);
    expect(report.summary.blocked).toBe(0);
    expect(report.summary.requests).toBe(0);
  });
});
