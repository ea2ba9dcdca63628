import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

const DIR = 'examples/connectors/python-command';
const STAGING = `${DIR}/staging.env`;
const TOKEN = 'stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b';
const CONNECTOR = ['--connector-cmd', `python3 ${DIR}/connector.py`, '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/default.json'];

async function variant(edit: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-cmd-'));
  const file = join(dir, 'candidate.env');
  await writeFile(file, edit(await readFile(STAGING, 'utf8')));
  return file;
}

interface RehearseJson {
  verdict: string;
  changes: Array<{ variable: string; effect: string; notJudgedBecause?: string }>;
  attribution: Array<{ variables: string[]; reasons: Array<{ error?: string; detail?: string }> }>;
  connector: { kind: string; refused: { baseline: unknown[]; candidate: unknown[] } };
}

describe('rehearse --connector-cmd: a Python connector over JSON lines', () => {
  it('blames a changed SCIM path on the team’s own PYSCIM_URL', async () => {
    const result = await runScimsim(['rehearse', '--base', STAGING, '--candidate', await variant((t) => t.replace('/scim/v2', '/scim/v3')), ...CONNECTOR, '--users', '120', '--format', 'json']);
    expect(result.code).toBe(2);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.connector.kind).toBe('command');
    expect(report.changes).toEqual([expect.objectContaining({ variable: 'PYSCIM_URL', effect: 'blocks' })]);
    expect(report.attribution.map((a) => a.variables)).toEqual([['PYSCIM_URL']]);
    expect(report.attribution[0]?.reasons[0]).toMatchObject({ error: 'connector-error' });
    expect(report.attribution[0]?.reasons[0]?.detail).toContain('404');
    expect(result.stdout).not.toContain(TOKEN);
  });

  it('clears a variable only the connector reads (its timeout): safe, exit 0', async () => {
    const result = await runScimsim(['rehearse', '--base', STAGING, '--candidate', await variant((t) => t.replace('PYSCIM_TIMEOUT=10', 'PYSCIM_TIMEOUT=20')), ...CONNECTOR, '--users', '120', '--format', 'json']);
    expect(result.code).toBe(0);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.verdict).toBe('safe');
    expect(report.changes).toEqual([expect.objectContaining({ variable: 'PYSCIM_TIMEOUT', effect: 'harmless' })]);
  });

  it('reports a changed host as not judged: the world answers on loopback whatever the host', async () => {
    const result = await runScimsim(['rehearse', '--base', STAGING, '--candidate', await variant((t) => t.replace('scim.staging.example.com', 'scim.prod.example.com')), ...CONNECTOR, '--users', '60', '--format', 'json']);
    expect(result.code).toBe(0);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.verdict).toBe('inconclusive');
    expect(report.changes).toEqual([expect.objectContaining({ variable: 'PYSCIM_URL', effect: 'not-judged' })]);
    expect(report.changes[0]?.notJudgedBecause).toContain('loopback');
  });

  it('blocks every change a program never acknowledges, with why', async () => {
    const result = await runScimsim(['run', '--env', STAGING, '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/default.json', '--connector-cmd', 'echo "cannot start: $PYSCIM_TOKEN" >&2; exit 3', '--users', '20', '--format', 'json']);
    expect(result.code).toBe(2);
    const json = JSON.parse(result.stdout) as { result: { blocked: number; reasons: Array<{ error?: string; detail?: string }> }; connector: { unattributed: string[] } };
    expect(json.result.blocked).toBe(20);
    expect(json.result.reasons[0]).toMatchObject({ error: 'connector-error' });
    expect(json.result.reasons[0]?.detail).toContain('exited (code 3)');
    // What the program printed is shown, with the token it printed redacted.
    expect(result.stdout).toContain('cannot start');
    expect(result.stdout).not.toContain(TOKEN);
  });
});
