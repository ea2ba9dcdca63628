import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEnvSet } from '../../src/env/load.js';
import { isSecretName } from '../../src/env/catalog.js';
import { runScimsim } from '../helpers/run-cli.js';

/** Every secret value in every shipped env fixture. */
async function fixtureSecrets(): Promise<string[]> {
  const secrets: string[] = [];
  for (const name of await readdir('fixtures/env')) {
    if (!/\.(env|json)$/.test(name) || name === 'aliases.env') continue;
    const text = await readFile(join('fixtures/env', name), 'utf8');
    const aliases = new Map([['OKTA_SCIM_TOKEN', 'SCIM_AUTH_TOKEN']]);
    for (const entry of buildEnvSet([{ label: name, text }], { aliases }).values.values()) {
      if (isSecretName(entry.name) && entry.value.trim().length >= 6) secrets.push(entry.value.trim());
    }
  }
  return secrets;
}

describe('secrets', () => {
  it('never appear on stdout, stderr or in report files, in any format', async () => {
    const secrets = await fixtureSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-secrets-'));
    const runs: string[][] = [];
    for (const file of ['baseline.env', 'candidate.env', 'problems.env']) {
      for (const format of ['table', 'json']) runs.push(['check', '--env', `fixtures/env/${file}`, '--format', format, '--out', join(dir, `check-${file}-${format}`)]);
    }
    for (const format of ['table', 'json', 'markdown']) {
      runs.push(['diff', '--base', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/candidate.env', '--format', format, '--out', join(dir, `diff-${format}`)]);
      runs.push(['diff', '--base', 'fixtures/env/problems.env', '--candidate', 'fixtures/env/baseline.env', '--format', format]);
    }
    for (const format of ['table', 'json', 'markdown', 'junit', 'html']) {
      runs.push(['rehearse', '--base', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/candidate.env', '--users', '150', '--server-profile', 'fixtures/servers/staging.json', '--format', format, '--out', join(dir, `rehearse-${format}`)]);
    }
    runs.push(['run', '--env', 'fixtures/env/candidate.env', '--users', '100', '--format', 'json', '--out', join(dir, 'run-json'), '--report', `html=${join(dir, 'run-html')}`]);
    for (const format of ['table', 'json', 'markdown', 'junit', 'html']) {
      runs.push(['load', '--env', 'fixtures/env/candidate.env', '--rate', '5', '--duration', '5s', '--threshold', 'errors.rate<0.5', '--format', format, '--out', join(dir, `load-${format}`)]);
    }
    runs.push(['report', 'merge', join(dir, 'load-json')]);
    runs.push(['check', '--env', 'fixtures/env/okta-names.env', '--alias-file', 'fixtures/env/aliases.env']);
    runs.push(['check', '--env', 'fixtures/env/baseline.env', '--set', 'SCIM_AUTH_TOKN=stg-typo-secret-4d5e6f']);
    secrets.push('stg-typo-secret-4d5e6f');
    let output = '';
    for (const args of runs) {
      const result = await runScimsim(args);
      output += result.stdout + result.stderr;
    }
    for (const name of await readdir(dir)) output += await readFile(join(dir, name), 'utf8');
    expect(output).toContain('fp:');
    for (const secret of secrets) expect(output, `secret ${secret.slice(0, 4)}… leaked`).not.toContain(secret);
  });
});
