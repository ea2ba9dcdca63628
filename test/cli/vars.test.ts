import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildEnvSet } from '../../src/env/load.js';
import { listCatalog } from '../../src/env/catalog.js';
import { validateEnvSet } from '../../src/env/validate.js';
import { runScimsim } from '../helpers/run-cli.js';

describe('scimsim vars', () => {
  it('lists every catalog variable', async () => {
    const result = await runScimsim(['vars']);
    expect(result.code).toBe(0);
    for (const entry of listCatalog()) expect(result.stdout).toContain(entry.name);
  });

  it('writes a .env.example that only lacks the secrets', async () => {
    const result = await runScimsim(['vars', '--example']);
    const set = buildEnvSet([{ label: '.env.example', text: result.stdout }], {});
    const errors = validateEnvSet(set).problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.code} ${p.variable}`)).toEqual(['missing-required SCIM_AUTH_TOKEN']);
  });

  it('matches the catalog table in the README', async () => {
    const result = await runScimsim(['vars', '--format', 'markdown']);
    const readme = await readFile('README.md', 'utf8');
    expect(readme).toContain(result.stdout.trim());
  });
});
