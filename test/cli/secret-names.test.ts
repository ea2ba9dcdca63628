import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/env/fingerprint.js';
import { tempDir } from '../helpers/live.js';
import { runScimsim } from '../helpers/run-cli.js';

const LINES = [
  'SCIM_API_BASE_URL=https://staging.example.com/scim/v2',
  'SCIM_AUTH_MODE=oauth2',
  'SCIM_OAUTH_TOKEN_URL=https://login.example.com/oauth2/token',
  'SCIM_OAUTH_CLIENT_ID=scimsim-staging',
  'SCIM_OAUTH_CLIENT_SECRET=cs-4f5e6d7c8b9a',
  'SCIM_PASS=value-of-pass-1',
  'SCIM_PW=value-of-pw-2',
  'SCIM_AUTHORIZATION=value-of-authz-3',
  'SCIM_ACCESS_KEY=value-of-key-4',
  'SCIM_JWT=value-of-jwt-5',
  'SCIM_SESSION=value-of-session-6',
  'SCIM_NOTES=plain-note-7',
];

describe('secret names in check and diff', () => {
  it('check --format json says secret exactly where the table shows a fingerprint', async () => {
    const dir = await tempDir('scimsim-names-');
    const file = join(dir, 'names.env');
    await writeFile(file, `${LINES.join('\n')}\n`);
    const json = JSON.parse((await runScimsim(['check', '--env', file, '--format', 'json'])).stdout) as { variables: Array<{ name: string; value?: string; secret: boolean }> };
    const table = (await runScimsim(['check', '--env', file])).stdout;
    const secretNames = ['SCIM_OAUTH_CLIENT_SECRET', 'SCIM_PASS', 'SCIM_PW', 'SCIM_AUTHORIZATION', 'SCIM_ACCESS_KEY', 'SCIM_JWT', 'SCIM_SESSION'];
    for (const line of LINES) {
      const [name = '', value = ''] = line.split('=');
      const row = json.variables.find((v) => v.name === name);
      const secret = secretNames.includes(name);
      expect(row?.secret, name).toBe(secret);
      expect(row?.value, name).toBe(secret ? fingerprint(value) : value);
      expect(table.includes(value), name).toBe(!secret);
    }
  });

  it('diff shows a changed token endpoint in full', async () => {
    const dir = await tempDir('scimsim-names-');
    await writeFile(join(dir, 'a.env'), `${LINES.join('\n')}\n`);
    await writeFile(join(dir, 'b.env'), `${LINES.join('\n')}\nSCIM_OAUTH_TOKEN_URL=https://login2.example.com/oauth2/token\n`);
    const result = await runScimsim(['diff', '--base', join(dir, 'a.env'), '--candidate', join(dir, 'b.env'), '--format', 'json']);
    const change = (JSON.parse(result.stdout) as { changes: Array<{ variable: string; before?: string; after?: string; secret: boolean }> }).changes.find((c) => c.variable === 'SCIM_OAUTH_TOKEN_URL');
    expect(change).toMatchObject({ secret: false, before: 'https://login.example.com/oauth2/token', after: 'https://login2.example.com/oauth2/token' });
  });
});
