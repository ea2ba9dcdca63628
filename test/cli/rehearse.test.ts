import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

const DEMO = ['rehearse', '--base', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/candidate.env', '--server-profile', 'fixtures/servers/staging.json', '--users', '400'];

describe('scimsim rehearse', () => {
  it('prints the contract JSON and nothing else on stdout, and exits 2 when the candidate blocks accounts', async () => {
    const result = await runScimsim([...DEMO, '--format', 'json']);
    expect(result.code).toBe(2);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as Record<string, unknown> & {
      changes: Array<{ variable: string; action: string; before: string | null; after: string | null; secret: boolean }>;
      attribution: Array<{ variables: string[]; blocked: number; byStage: Record<string, number>; reasons: Array<{ count: number }> }>;
      candidate: { blocked: number; byStage: Record<string, number> };
    };
    expect(report).toMatchObject({ formatVersion: '1.0', command: 'rehearse', verdict: 'blocks-accounts', users: 400, seed: 1, target: 'mock' });
    expect(typeof report.runs).toBe('number');
    expect(report.baseline).toMatchObject({ blocked: 0 });
    expect(report.candidate.blocked).toBe(400);
    expect(report.changes.map((c) => c.variable)).toEqual(['SCIM_AUTH_TOKEN', 'SCIM_PAGE_SIZE', 'SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS', 'SCIM_TIMEOUT_MS', 'SCIM_UPDATE_METHOD']);
    expect(report.changes.find((c) => c.variable === 'SCIM_PAGE_SIZE')).toMatchObject({ action: 'update', before: '100', after: '500', secret: false });
    for (const a of report.attribution) {
      expect(a.reasons.reduce((n, r) => n + r.count, 0)).toBe(a.blocked);
      expect(Object.values(a.byStage).reduce((n, c) => n + c, 0)).toBe(a.blocked);
    }
  });

  it('says why in a plan-style table, with the harmless changes and a summary line', async () => {
    const result = await runScimsim(DEMO);
    expect(result.code).toBe(2);
    // The rotated token blocks every account at create; those the page size would block as well say so.
    expect(result.stdout).toMatch(/~ SCIM_AUTH_TOKEN\s+fp:\w+ -> fp:\w+\s+blocks \d+ accounts \(create: 401\)/);
    expect(result.stdout).toMatch(/│ or\n\s+└ ~ SCIM_PAGE_SIZE\s+100 -> 500\s+\(alone: deactivate: 400 tooMany\)/);
    expect(result.stdout).toMatch(/harmless/);
    expect(result.stdout).toMatch(/\d of 6 changes block 400 of 400 accounts/);
    // Entra's quarantine rules are printed under the Entra dialects only.
    expect(result.stdout).not.toContain('Entra ID');
  });

  it('exits 0 with verdict safe when the candidate only makes harmless changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-rehearse-'));
    const safe = join(dir, 'safe.env');
    await writeFile(safe, `${await readFile('fixtures/env/baseline.env', 'utf8')}\nSCIM_TIMEOUT_MS=15000\nSCIM_UPDATE_METHOD=put\n`);
    const result = await runScimsim(['rehearse', '--base', 'fixtures/env/baseline.env', '--candidate', safe, '--users', '200', '--format', 'junit', '--out', join(dir, 'report.xml')]);
    expect(result.code).toBe(0);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(dir, 'report.xml'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(xml)).toContain('SCIM_TIMEOUT_MS');
    expect(result.stdout).not.toContain('<failure');
  });

  it('calls a candidate the world cannot judge inconclusive: exit 0 with a warning, exit 2 with --strict', async () => {
    const args = ['rehearse', '--base', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/baseline.env', '--set', 'SCIM_TIMEOUT_MS=200', '--server-profile', 'fixtures/servers/default.json', '--users', '100'];
    const lenient = await runScimsim([...args, '--format', 'json']);
    expect(lenient.code).toBe(0);
    expectJsonAddsUp(lenient.stdout);
    expect(JSON.parse(lenient.stdout)).toMatchObject({ verdict: 'inconclusive', newlyBlocked: 0, changes: [{ variable: 'SCIM_TIMEOUT_MS', effect: 'not-judged' }] });
    expect(lenient.stderr).toMatch(/warning: the verdict is inconclusive: 1 of 1 changes was not judged by this world\. \(exit 0; --strict makes it exit 2\)/);
    const strict = await runScimsim([...args, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toMatch(/⚠ inconclusive: no account newly blocked, but 1 of 1 changes was not judged by this world/);
    expect(strict.stdout).toMatch(/not judged by this world[^\n]*\n {4}~ SCIM_TIMEOUT_MS/);
  });

  it('refuses bad input with one message and exit 1', async () => {
    const couple = await runScimsim([...DEMO, '--couple', 'SCIM_PAGE_SIZE']);
    expect(couple.code).toBe(1);
    expect(couple.stderr).toContain('--couple SCIM_PAGE_SIZE names fewer than two variables');
    const invalid = await runScimsim(['rehearse', '--base', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/problems.env']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('fixtures/env/problems.env');
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
  });

  it('npm start runs the demo rehearsal and exits 0', async () => {
    const { stdout, stderr } = await promisify(execFile)('npm', ['start', '--silent'], { env: { ...process.env, NO_COLOR: '1' } });
    expect(stdout).toMatch(/SCIM_MAX_CONCURRENCY[\s\S]*SCIM_RATE_LIMIT_RPS/);
    // No process warnings (a listener per waiting request on the interrupt is not a leak).
    expect(stderr).not.toMatch(/Warning/);
    expect(stdout).toMatch(/\d+ of 6 changes block/);
  });
});
