import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

async function candidate(edit: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-entra-rules-'));
  const path = join(dir, 'candidate.env');
  await writeFile(path, edit(await readFile('fixtures/env/baseline.env', 'utf8')));
  return path;
}

const REHEARSE = ['rehearse', '--base', 'fixtures/env/baseline.env', '--users', '200', '--workers', '1'];

interface Json {
  quarantine?: { predicted: boolean; reason: string | null; failures: number; deprovisions: number; deletionThreshold: number | null; line: string };
}

describe('the Entra quarantine line of a rehearsal', () => {
  it('predicts quarantine for a wrong token, whatever the counts', async () => {
    const wrong = await candidate((t) => t.replace(/^SCIM_AUTH_TOKEN=.*$/m, 'SCIM_AUTH_TOKEN=stg-wrong-0000000000000000000000000000'));
    const done = await runScimsim([...REHEARSE, '--candidate', wrong, '--dialect', 'entra', '--format', 'json']);
    expectJsonAddsUp(done.stdout);
    const json = JSON.parse(done.stdout) as Json;
    expect(json.quarantine).toMatchObject({ predicted: true, reason: 'EncounteredQuarantineException' });
    expect(json.quarantine?.line).toContain('refused on credentials');
  });

  it('predicts quarantine for a wrong SCIM path (a 404 where a SCIM service answers 200)', async () => {
    const v1 = await candidate((t) => t.replace('/scim/v2', '/scim/v1'));
    const done = await runScimsim([...REHEARSE, '--candidate', v1, '--dialect', 'entra']);
    expect(done.stdout).toMatch(/Entra ID: would quarantine the provisioning job: 200 accounts got 404 where a SCIM service answers 200/);
  });

  it('prints no Entra line under another dialect', async () => {
    const v1 = await candidate((t) => t.replace('/scim/v2', '/scim/v1'));
    const table = await runScimsim([...REHEARSE, '--candidate', v1]);
    expect(table.code).toBe(2);
    expect(table.stdout).not.toContain('Entra ID');
    expect(table.stdout).not.toContain('quarantine');
    const json = JSON.parse((await runScimsim([...REHEARSE, '--candidate', v1, '--dialect', 'okta', '--format', 'json'])).stdout) as Json;
    expect(json.quarantine).toBeUndefined();
  });

  it('predicts the accidental-deletions stop for a leaver wave over a configured threshold', async () => {
    const done = await runScimsim([...REHEARSE, '--candidate', 'fixtures/env/baseline.env', '--set', 'SCIM_PAGE_SIZE=50', '--dialect', 'entra', '--accidental-deletions-threshold', '10', '--format', 'json']);
    expectJsonAddsUp(done.stdout);
    const json = JSON.parse(done.stdout) as Json;
    expect(json.quarantine).toMatchObject({ predicted: true, reason: 'TooManyDeletes', deletionThreshold: 10 });
    expect(json.quarantine?.deprovisions).toBeGreaterThan(10);
    const rfc = await runScimsim([...REHEARSE, '--candidate', 'fixtures/env/baseline.env', '--accidental-deletions-threshold', '10', '--format', 'json']);
    expectJsonAddsUp(rfc.stdout);
    expect(rfc.stderr).toContain('--accidental-deletions-threshold is Entra\'s setting; it has no effect under --dialect rfc');
    expect((JSON.parse(rfc.stdout) as Json).quarantine).toBeUndefined();
    const bad = await runScimsim([...REHEARSE, '--candidate', 'fixtures/env/baseline.env', '--accidental-deletions-threshold', '-1']);
    expect(bad.code).toBe(1);
  });
});
