import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

const SECRET = 'cs-9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a';

describe('--connector with OAuth client credentials', () => {
  it('reaches the world’s token endpoint at the env set’s token URL on another host; a wrong secret is blamed, never shown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-oauth-'));
    const example = new URL('../../examples/connectors/event-fetch/connector.mjs', import.meta.url).href;
    // The example connector, with a client-credentials token fetched first, as an OAuth service would.
    await writeFile(
      join(dir, 'oauth.mjs'),
      [
        `import * as example from ${JSON.stringify(example)};`,
        'export async function setup() {',
        '  const basic = Buffer.from(`${process.env.ACME_CLIENT_ID}:${process.env.ACME_CLIENT_SECRET}`).toString("base64");',
        '  const response = await fetch(process.env.ACME_TOKEN_URL, { method: "POST", headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials" });',
        '  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);',
        '  process.env.ACME_SCIM_TOKEN = (await response.json()).access_token;',
        '  example.setup();',
        '}',
        'export const handle = example.handle;',
      ].join('\n'),
    );
    await writeFile(join(dir, 'aliases.env'), 'ACME_SCIM_URL=SCIM_API_BASE_URL\nACME_TOKEN_URL=SCIM_OAUTH_TOKEN_URL\nACME_CLIENT_ID=SCIM_OAUTH_CLIENT_ID\nACME_CLIENT_SECRET=SCIM_OAUTH_CLIENT_SECRET\n');
    const env = ['SCIM_AUTH_MODE=oauth2', 'ACME_SCIM_URL=https://scim.staging.example.com/acme-staging/scim/v2', 'ACME_TOKEN_URL=https://login.example.net/oauth2/token', 'ACME_CLIENT_ID=acme-provisioner'];
    await writeFile(join(dir, 'base.env'), [...env, `ACME_CLIENT_SECRET=${SECRET}`, ''].join('\n'));
    await writeFile(join(dir, 'wrong.env'), [...env, 'ACME_CLIENT_SECRET=cs-0000000000000000000000000000000', ''].join('\n'));
    const flags = ['--connector', join(dir, 'oauth.mjs'), '--alias-file', join(dir, 'aliases.env'), '--server-profile', 'fixtures/servers/default.json', '--users', '60', '--format', 'json'];

    const run = await runScimsim(['run', '--env', join(dir, 'base.env'), ...flags]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'safe', connector: { refused: [] } });

    const result = await runScimsim(['rehearse', '--base', join(dir, 'base.env'), '--candidate', join(dir, 'wrong.env'), ...flags]);
    expect(result.code).toBe(2);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as { attribution: Array<{ variables: string[]; reasons: Array<{ detail?: string }> }> };
    expect(report.attribution.map((a) => a.variables)).toEqual([['ACME_CLIENT_SECRET']]);
    expect(report.attribution[0]?.reasons[0]?.detail).toContain('the token endpoint answered 401');
    for (const text of [run.stdout, run.stderr, result.stdout, result.stderr]) expect(text).not.toContain(SECRET);
  });
});
