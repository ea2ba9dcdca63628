import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectorRehearsal } from '../../src/connector/rehearse.js';
import { loadAliasFile, loadEnvSet, parseAliases } from '../../src/env/load.js';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { rehearse } from '../../src/rehearse/engine.js';
import { renderRehearseMarkdown } from '../../src/report/rehearse-markdown.js';
import { renderRehearseTable } from '../../src/report/rehearse-table.js';
import { createColors } from '../../src/report/style.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../src/scenario/load-scenario.js';
import { expectAddsUp } from '../helpers/rehearse-invariants.js';

const DIR = 'examples/connectors/event-fetch';
const cwd = process.cwd();

describe('rehearse through a connector: units, cause search and every format', () => {
  it('separates two blocking changes and a harmless one, all under the team’s names, and adds up in every format', async () => {
    const aliases = parseAliases(await loadAliasFile(`${DIR}/aliases.env`, cwd));
    const base = await loadEnvSet({ files: [`${DIR}/staging.env`], aliases, cwd });
    // A rotated token the world does not accept, a path it does not serve, a harmless User-Agent.
    const candidate = await loadEnvSet({
      files: [`${DIR}/staging.env`],
      sets: ['ACME_SCIM_TOKEN=stg-rotated-0000000000000000000000', 'ACME_SCIM_URL=https://scim.staging.example.com/acme-staging/scim/v3', 'ACME_USER_AGENT=acme-provisioner/2.0'],
      aliases,
      cwd,
    });
    const profile = resolveProfile(await loadProfile('fixtures/servers/default.json', cwd));
    const connector = { kind: 'node' as const, module: resolve(DIR, 'connector.mjs'), concurrency: 8, name: `${DIR}/connector.mjs` };
    const report = await rehearse({
      base,
      candidate,
      labels: { base: 'staging.env', candidate: 'next' },
      scenario: await loadScenario(DEFAULT_SCENARIO_PATH, cwd),
      users: 80,
      seed: 1,
      dialect: 'rfc',
      target: 'mock',
      world: { profile, name: profile.name, builtFor: 'staging.env' },
      workers: 2,
      connector: connectorRehearsal(connector, base, candidate),
    });
    expectAddsUp(report);
    expect(report.verdict).toBe('blocks-accounts');
    expect(report.newlyBlocked).toBe(80);
    const effects = Object.fromEntries(report.changes.map((c) => [c.variable, c.effect]));
    expect(effects).toEqual({ ACME_SCIM_URL: 'blocks', ACME_SCIM_TOKEN: 'blocks', ACME_USER_AGENT: 'harmless' });
    // Either change alone blocks every account: one row naming both.
    expect(report.attribution).toHaveLength(1);
    expect(report.attribution[0]?.alternatives).toBe(true);
    expect(report.attribution[0]?.variables.sort()).toEqual(['ACME_SCIM_TOKEN', 'ACME_SCIM_URL']);
    expect(report.runs.full).toBeGreaterThan(2);
    const table = renderRehearseTable(report, createColors(false));
    expect(table).toContain('ACME_SCIM_TOKEN');
    expect(table).not.toContain('SCIM_AUTH_TOKEN');
    expect(table).not.toContain('stg-rotated-0000000000000000000000');
    expect(renderRehearseMarkdown(report)).toContain('writes made by your event connector');
  });
});
