import { describe, expect, it } from 'vitest';
import { teamNamer } from '../../src/connector/env.js';
import { loadEnvSet } from '../../src/env/load.js';

const DIR = 'examples/connectors/event-fetch';
const ALIASES = new Map([
  ['ACME_SCIM_URL', 'SCIM_API_BASE_URL'],
  ['ACME_SCIM_TOKEN', 'SCIM_AUTH_TOKEN'],
]);

describe('the team’s names in reports', () => {
  it('renames aliased catalog variables, as names and inside a hint, and leaves every other word alone', async () => {
    const set = await loadEnvSet({ files: [`${DIR}/staging.env`], aliases: ALIASES, cwd: process.cwd() });
    const team = teamNamer(set);
    expect(team).toBeDefined();
    expect(team?.name('SCIM_API_BASE_URL')).toBe('ACME_SCIM_URL');
    expect(team?.name('SCIM_PAGE_SIZE')).toBe('SCIM_PAGE_SIZE');
    expect(team?.text('a proxy or login page in front of SCIM_API_BASE_URL? check SCIM_AUTH_TOKEN, not SCIM_AUTH_TOKENS or MY_SCIM_API_BASE_URL_X')).toBe(
      'a proxy or login page in front of ACME_SCIM_URL? check ACME_SCIM_TOKEN, not SCIM_AUTH_TOKENS or MY_SCIM_API_BASE_URL_X',
    );
  });

  it('has nothing to rename when no variable is aliased', async () => {
    const set = await loadEnvSet({ files: ['fixtures/env/baseline.env'], cwd: process.cwd() });
    expect(teamNamer(set)).toBeUndefined();
  });
});
