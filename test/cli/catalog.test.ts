import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

const CATALOG = ['--catalog', 'fixtures/catalog/myapp.yaml'];
const BASE = 'fixtures/catalog/myapp-base.env';
const CANDIDATE = 'fixtures/catalog/myapp-candidate.env';
const AUDIT_SEAL = 'k-9f8e7d6c5b4a39281706';

interface RehearseJson {
  verdict: string;
  candidate: { blocked: number; byStage: Record<string, number> };
  changes: Array<{ variable: string; action: string; before: string | null; after: string | null; secret: boolean; effect: string; notJudgedBecause?: string }>;
  attribution: Array<{ variables: string[]; blocked: number; byStage: Record<string, number>; reasons: Array<{ error?: string; count: number }> }>;
}

describe('--catalog: the user’s own variables', () => {
  it('blames the user’s group-sync switch for every group-stage account it blocks', async () => {
    const result = await runScimsim(['rehearse', '--base', BASE, '--candidate', CANDIDATE, ...CATALOG, '--users', '300', '--seed', '3', '--format', 'json']);
    expect(result.code).toBe(2);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.verdict).toBe('blocks-accounts');
    const groupBlocked = report.candidate.byStage.group ?? 0;
    expect(groupBlocked).toBeGreaterThan(0);
    expect(report.candidate.blocked).toBe(groupBlocked);
    expect(report.attribution).toHaveLength(1);
    expect(report.attribution[0]).toMatchObject({ variables: ['MYAPP_GROUP_SYNC'], blocked: groupBlocked, byStage: { group: groupBlocked }, reasons: [{ error: 'stage-off', count: groupBlocked }] });
    expect(report.changes.find((c) => c.variable === 'MYAPP_GROUP_SYNC')).toMatchObject({ action: 'update', before: 'true', after: 'false', secret: false, effect: 'blocks' });
    // The alias's change is judged as the built-in variable it names.
    expect(report.changes.find((c) => c.variable === 'SCIM_PAGE_SIZE')).toMatchObject({ before: '100', after: '200', effect: 'harmless' });
    // A secret of the user's catalog is a fingerprint, and a variable the client does not read is not judged.
    const seal = report.changes.find((c) => c.variable === 'MYAPP_AUDIT_SEAL');
    expect(seal).toMatchObject({ action: 'create', secret: true, effect: 'not-judged' });
    expect(seal?.after).toMatch(/^fp:[0-9a-f]{8,}$/);
    expect(result.stdout + result.stderr).not.toContain(AUDIT_SEAL);
  });

  it('says in the table that the switch turned the stage off, in scimsim’s words rather than the server’s', async () => {
    const result = await runScimsim(['rehearse', '--base', BASE, '--candidate', CANDIDATE, ...CATALOG, '--users', '200']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/~ MYAPP_GROUP_SYNC\s+true -> false\s+blocks \d+ accounts \(group: stage-off\)/);
    expect(result.stdout).toContain('scimsim: nothing sent: MYAPP_GROUP_SYNC=false turns the group stage off');
    expect(result.stdout).not.toContain(AUDIT_SEAL);
  });

  it('knows nothing of the user’s variables without --catalog, so the switch is not judged', async () => {
    const result = await runScimsim(['rehearse', '--base', BASE, '--candidate', CANDIDATE, '--alias', 'MYAPP_PAGE_SIZE=SCIM_PAGE_SIZE', '--users', '200', '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.candidate.blocked).toBe(0);
    expect(report.changes.find((c) => c.variable === 'MYAPP_GROUP_SYNC')).toMatchObject({ effect: 'not-judged' });
  });

  it('validates the user’s variables by type, with file:line, in check', async () => {
    const result = await runScimsim(['check', '--env', CANDIDATE, ...CATALOG, '--set', 'MYAPP_GROUP_SYNC=no', '--format', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { problems: Array<{ severity: string; code: string; variable: string; location: string | null }>; variables: Array<{ name: string; value: string }> };
    expect(report.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'unknown-value', variable: 'MYAPP_GROUP_SYNC', location: '--set' })]);
    expect(report.variables.find((v) => v.name === 'MYAPP_AUDIT_SEAL')?.value).toMatch(/^fp:[0-9a-f]{8,}$/);
    // A default of the catalog applies like a built-in one.
    expect(report.variables.find((v) => v.name === 'MYAPP_REGION')?.value).toBe('eu');
    expect(result.stdout).not.toContain(AUDIT_SEAL);
  });

  it('maps an alias of the catalog onto its built-in variable, validated by the built-in’s type', async () => {
    const result = await runScimsim(['check', '--env', BASE, ...CATALOG, '--set', 'MYAPP_PAGE_SIZE=5000', '--format', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { problems: Array<{ code: string; variable: string }>; variables: Array<{ name: string; alias?: string; value: string }> };
    expect(report.problems).toEqual([expect.objectContaining({ code: 'out-of-range', variable: 'SCIM_PAGE_SIZE' })]);
    expect(report.variables.find((v) => v.name === 'SCIM_PAGE_SIZE')).toMatchObject({ alias: 'MYAPP_PAGE_SIZE', value: '5000' });
  });

  it('diffs the user’s variables beside the built-in ones, with the switch’s risk', async () => {
    const result = await runScimsim(['diff', '--base', BASE, '--candidate', CANDIDATE, ...CATALOG, '--format', 'json']);
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout) as { changes: Array<{ variable: string; risk?: string; secret: boolean; after?: string | null }> };
    expect(diff.changes.map((c) => c.variable)).toEqual(['SCIM_PAGE_SIZE', 'MYAPP_GROUP_SYNC', 'MYAPP_AUDIT_SEAL']);
    expect(diff.changes[1]?.risk).toContain('group stage off');
    expect(diff.changes[2]).toMatchObject({ secret: true });
    expect(result.stdout).not.toContain(AUDIT_SEAL);
  });

  it('refuses a catalog with bad types, unknown usages, duplicate names and bad defaults in one message, exit 1', async () => {
    const result = await runScimsim(['check', '--env', BASE, '--catalog', 'fixtures/catalog/bad.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('scimsim: Failed to read catalog fixtures/catalog/bad.yaml: 5 problems.');
    expect(result.stderr).toContain('fixtures/catalog/bad.yaml:3: MYAPP_RETRIES: type "count" is not one of');
    expect(result.stderr).toContain('fixtures/catalog/bad.yaml:7: MYAPP_TRACE: unknown usage {"trace":"requests"}');
    expect(result.stderr).toContain('fixtures/catalog/bad.yaml:15: MYAPP_REGION is declared twice (first at fixtures/catalog/bad.yaml:11)');
    expect(result.stderr).toContain('fixtures/catalog/bad.yaml:19: MYAPP_BATCH: default 50 is above the maximum 10');
    expect(result.stderr).toContain('fixtures/catalog/bad.yaml:26: MYAPP_SYNC_USERS: a stage switch must be of type boolean, not integer');
    expect(result.stderr).not.toMatch(/\bat .*\.(?:ts|js):\d+/);
  });

  it('reads a JSON catalog with lines too, and refuses a name the built-in catalog has', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-catalog-'));
    const file = join(dir, 'catalog.json');
    await writeFile(file, JSON.stringify({ variables: [{ name: 'MYAPP_OK', type: 'string', description: 'fine', usage: 'none' }, { name: 'SCIM_PAGE_SIZE', type: 'integer', description: 'taken', usage: 'none' }] }, null, 2));
    const result = await runScimsim(['diff', '--base', BASE, '--candidate', CANDIDATE, '--catalog', file]);
    expect(result.code).toBe(1);
    // The line of the JSON object that declares it.
    expect(result.stderr).toContain(`${file}:9: SCIM_PAGE_SIZE is a built-in variable`);
    expect(result.stderr).toMatch(/1 problem|a problem/);
  });

  it('turns any stage off in run: a deactivation switch blocks leavers at deactivate only, and nothing when left on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-catalog-'));
    const file = join(dir, 'catalog.yaml');
    await writeFile(file, 'variables:\n  - { name: MYAPP_LEAVERS, type: boolean, description: deactivate leavers, usage: { switch: deactivate } }\n');
    const run = (sets: string[]) => runScimsim(['run', '--env', 'fixtures/env/baseline.env', '--catalog', file, ...sets, '--server-profile', 'fixtures/servers/default.json', '--users', '200', '--format', 'json']);
    const off = await run(['--set', 'MYAPP_LEAVERS=false']);
    expect(off.code).toBe(2);
    const result = (JSON.parse(off.stdout) as { result: { blocked: number; byStage: Record<string, number> } }).result;
    expect(result.blocked).toBeGreaterThan(0);
    expect(result.byStage).toMatchObject({ create: 0, update: 0, deactivate: result.blocked, group: 0 });
    const on = await run([]);
    expect(on.code).toBe(0);
  });
});
