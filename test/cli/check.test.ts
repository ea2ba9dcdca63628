import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';

describe('scimsim check', () => {
  it('checks the shipped baseline clean: a table of variables and a valid verdict', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/baseline.env']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/SCIM_API_BASE_URL.*https:\/\/scim\.staging\.example\.com/);
    expect(result.stdout).toMatch(/SCIM_PAGE_SIZE\s*│\s*100\s*│\s*fixtures\/env\/baseline\.env:8/);
    expect(result.stdout).toMatch(/✔ valid: 0 errors, 0 warnings/);
    expect(result.stderr).toBe('');
  });

  it('reports every problem of the dozen-mistake fixture with file:line and exits 2', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/problems.env', '--format', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { valid: boolean; problems: Array<{ severity: string; code: string; location: string | null }> };
    expect(report.valid).toBe(false);
    const found = report.problems.map((p) => `${p.severity} ${p.code} ${p.location}`);
    const at = (line: number) => `fixtures/env/problems.env:${line}`;
    expect(found).toEqual(
      expect.arrayContaining([
        `error unknown-variable ${at(2)}`,
        `error unresolved-reference ${at(2)}`,
        `error url-plain-http ${at(4)}`,
        `error secret-whitespace ${at(6)}`,
        `warning ignored-by-auth-mode ${at(7)}`,
        `error secret-placeholder ${at(7)}`,
        `error not-an-integer ${at(9)}`,
        `error retry-budget ${at(11)}`,
        `error unknown-value ${at(12)}`,
        `error unknown-value ${at(13)}`,
        `error unknown-value ${at(14)}`,
        `error hostname-invalid ${at(15)}`,
        `error out-of-range ${at(16)}`,
        `warning env-file-warning ${at(17)}`,
        'error missing-required fixtures/env/problems.env',
      ]),
    );
    expect(report.problems.filter((p) => p.severity === 'error').length).toBeGreaterThanOrEqual(12);
  });

  it('prints each problem with its location, message and fix in the table format', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/problems.env']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('✖ error   fixtures/env/problems.env:2\n  SCIM_API_BASEURL is not a scimsim variable, so its value is ignored\n  → did you mean SCIM_API_BASE_URL?');
    expect(result.stdout).toMatch(/✖ invalid: 1[0-9] errors, 2 warnings/);
  });

  it('layers files and --set, and shows which file won', async () => {
    const result = await runScimsim([
      'check', '--env', 'fixtures/env/baseline.env', '--env', 'fixtures/env/layered.json', '--set', 'SCIM_MAX_CONCURRENCY=4', '--format', 'json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { variables: Array<{ name: string; value: string; source: string; overrides: string[] }> };
    const row = (name: string) => report.variables.find((v) => v.name === name);
    expect(row('SCIM_PAGE_SIZE')).toMatchObject({ value: '200', source: 'fixtures/env/layered.json:2', overrides: ['fixtures/env/baseline.env:8'] });
    expect(row('SCIM_MAX_CONCURRENCY')).toMatchObject({ value: '4', source: '--set', overrides: ['fixtures/env/layered.json:3', 'fixtures/env/baseline.env:9'] });
  });

  it('maps a service’s own names with an alias file', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/okta-names.env', '--alias-file', 'fixtures/env/aliases.env', '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { variables: Array<{ name: string; alias?: string }> };
    expect(report.variables.find((v) => v.name === 'SCIM_API_BASE_URL')?.alias).toBe('OKTA_SCIM_URL');
  });

  it('maps a name with --alias and rejects an alias onto an unknown name', async () => {
    const ok = await runScimsim(['check', '--env', 'fixtures/env/okta-names.env', '--alias', 'OKTA_SCIM_URL=SCIM_API_BASE_URL', '--alias', 'OKTA_SCIM_TOKEN=SCIM_AUTH_TOKEN']);
    expect(ok.code).toBe(0);
    const bad = await runScimsim(['check', '--env', 'fixtures/env/okta-names.env', '--alias', 'OKTA_SCIM_URL=SCIM_BASE']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SCIM_BASE is not a catalog variable');
  });

  it('writes the report to --out without colour', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-out-'));
    const out = join(dir, 'check.txt');
    const result = await runScimsim(['check', '--env', 'fixtures/env/baseline.env', '--out', out], { env: { FORCE_COLOR: '1' } });
    expect(result.stdout).toContain('\u001b[');
    const written = await readFile(out, 'utf8');
    expect(written).not.toContain('\u001b[');
    expect(written).toContain('✔ valid');
  });
});
