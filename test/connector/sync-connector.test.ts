import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

const DIR = 'examples/connectors/sync-https';
const STAGING = `${DIR}/staging.env`;
const TOKEN = 'stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b';
// Keycloak-like pages hold at most 100 users, whatever count the client asks for.
const CONNECTOR = ['--connector', `${DIR}/connector.mjs`, '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/keycloak-like.json'];

async function withPageSize(size: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-sync-'));
  const file = join(dir, 'candidate.env');
  await writeFile(file, (await readFile(STAGING, 'utf8')).replace('DIRSYNC_PAGE_SIZE=100', `DIRSYNC_PAGE_SIZE=${size}`));
  return file;
}

interface RehearseJson {
  verdict: string;
  newlyBlocked: number;
  changes: Array<{ variable: string; effect: string; before: string; after: string }>;
  attribution: Array<{ variables: string[]; blocked: number; reasons: Array<{ error?: string; detail?: string }> }>;
  connector: { kind: string };
}

describe('rehearse --connector: a sync connector on node:https', () => {
  it('blames a page size above the server’s cap on the team’s DIRSYNC_PAGE_SIZE (its paging skips the users past the cap)', async () => {
    const result = await runScimsim(['rehearse', '--base', STAGING, '--candidate', await withPageSize(200), ...CONNECTOR, '--users', '160', '--format', 'json']);
    expect(result.code).toBe(2);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.connector.kind).toBe('sync');
    expect(report.changes).toEqual([expect.objectContaining({ variable: 'DIRSYNC_PAGE_SIZE', before: '100', after: '200', effect: 'blocks' })]);
    expect(report.attribution.map((a) => a.variables)).toEqual([['DIRSYNC_PAGE_SIZE']]);
    expect(report.newlyBlocked).toBeGreaterThan(0);
    // The sync printed its errors naming each person by externalId: they land on those accounts.
    expect(report.attribution[0]?.reasons.some((r) => r.error === 'connector-error' && /409/.test(r.detail ?? ''))).toBe(true);
    expect(result.stdout).not.toContain(TOKEN);
  });

  it('clears a page size the server serves whole: safe, exit 0', async () => {
    const result = await runScimsim(['rehearse', '--base', STAGING, '--candidate', await withPageSize(50), ...CONNECTOR, '--users', '160', '--format', 'json']);
    expect(result.code).toBe(0);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.verdict).toBe('safe');
    expect(report.changes).toEqual([expect.objectContaining({ variable: 'DIRSYNC_PAGE_SIZE', effect: 'harmless' })]);
  });

  it('run: the baseline sync leaves the world exactly as intended, memberships included', async () => {
    const result = await runScimsim(['run', '--env', STAGING, ...CONNECTOR, '--users', '250', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'safe', result: { blocked: 0, unverified: 0 }, connector: { kind: 'sync', refused: [] } });
  });
});
