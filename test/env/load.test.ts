import { describe, expect, it } from 'vitest';
import { buildEnvSet, loadEnvSet } from '../../src/env/load.js';
import { UserError } from '../../src/errors/user-error.js';

const source = (label: string, text: string) => ({ label, text });

describe('buildEnvSet', () => {
  it('layers sources so later files win and records what each value overrode', () => {
    const set = buildEnvSet(
      [source('base.env', 'SCIM_PAGE_SIZE=100\nSCIM_TENANT_ID=a\n'), source('stage.env', '\nSCIM_PAGE_SIZE=200\n')],
      { sets: ['SCIM_PAGE_SIZE=300'] },
    );
    const pageSize = set.values.get('SCIM_PAGE_SIZE');
    expect(pageSize?.value).toBe('300');
    expect(pageSize?.source).toEqual({ file: '--set' });
    expect(pageSize?.overrides).toEqual([
      { file: 'stage.env', line: 2 },
      { file: 'base.env', line: 1 },
    ]);
    expect(set.values.get('SCIM_TENANT_ID')?.source).toEqual({ file: 'base.env', line: 2 });
    expect(set.sources).toEqual(['base.env', 'stage.env', '--set']);
  });

  it('expands ${VAR} after layering, so a later tenant changes an earlier URL', () => {
    const set = buildEnvSet(
      [
        source('base.env', 'SCIM_TENANT_ID=one\nSCIM_API_BASE_URL=https://x.example.com/${SCIM_TENANT_ID}/scim/v2\n'),
        source('next.env', 'SCIM_TENANT_ID=two\n'),
      ],
      {},
    );
    const base = set.values.get('SCIM_API_BASE_URL');
    expect(base?.value).toBe('https://x.example.com/two/scim/v2');
    expect(base?.references).toEqual(['SCIM_TENANT_ID']);
  });

  it('keeps $ literal in secrets: bare $, \\$ and single quotes never expand', () => {
    const set = buildEnvSet(
      [source('s.env', "A=pa$$w0rd$HOME\nB=\"x\\${NOT}y\"\nC='${SCIM_TENANT_ID}'\nSCIM_TENANT_ID=t\n")],
      {},
    );
    expect(set.values.get('A')?.value).toBe('pa$$w0rd$HOME');
    expect(set.values.get('B')?.value).toBe('x${NOT}y');
    expect(set.values.get('C')?.value).toBe('${SCIM_TENANT_ID}');
  });

  it('uses ${VAR:-fallback} and the process environment for references the set lacks', () => {
    const set = buildEnvSet([source('s.env', 'A=${MISSING:-fallback}\nB=${FROM_CI}\nC=${NOWHERE}\n')], {
      processEnv: { FROM_CI: 'ci-value' },
    });
    expect(set.values.get('A')?.value).toBe('fallback');
    expect(set.values.get('B')?.value).toBe('ci-value');
    expect(set.values.get('C')?.unresolved).toEqual(['NOWHERE']);
  });

  it('rejects a reference cycle with the file and line', () => {
    expect(() => buildEnvSet([source('c.env', 'A=${B}\nB=${A}\n')], {})).toThrow(/cycle \(A -> B -> A\)/);
  });

  it('maps aliases onto catalog names and keeps the original name', () => {
    const set = buildEnvSet([source('o.env', 'OKTA_SCIM_URL=https://x.example.com/scim/v2\n')], {
      aliases: new Map([['OKTA_SCIM_URL', 'SCIM_API_BASE_URL']]),
    });
    expect(set.values.get('SCIM_API_BASE_URL')).toMatchObject({ value: 'https://x.example.com/scim/v2', alias: 'OKTA_SCIM_URL' });
  });

  it('reads JSON objects with the line of each key', () => {
    const set = buildEnvSet([source('l.json', '{\n  "SCIM_PAGE_SIZE": 200,\n  "SCIM_MAX_CONCURRENCY": "16"\n}\n')], {});
    expect(set.values.get('SCIM_PAGE_SIZE')).toMatchObject({ value: '200', source: { file: 'l.json', line: 2 } });
    expect(set.values.get('SCIM_MAX_CONCURRENCY')).toMatchObject({ value: '16', source: { file: 'l.json', line: 3 } });
  });

  it('collects every malformed line of every file into one error', () => {
    let caught: unknown;
    try {
      buildEnvSet([source('a.env', 'OK=1\nbad line\n'), source('b.env', 'ALSO BAD\n')], {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    const error = caught as UserError;
    expect(error.location).toEqual({ file: 'a.env', line: 2 });
    expect(error.details).toEqual([expect.stringMatching(/^a\.env:2: /), expect.stringMatching(/^b\.env:1: /)]);
  });
});

describe('loadEnvSet', () => {
  it('reads layered files from disk, dotenv and JSON alike', async () => {
    const set = await loadEnvSet({ files: ['fixtures/env/baseline.env', 'fixtures/env/layered.json'], cwd: process.cwd() });
    expect(set.values.get('SCIM_PAGE_SIZE')).toMatchObject({
      value: '200',
      source: { file: 'fixtures/env/layered.json', line: 2 },
      overrides: [{ file: 'fixtures/env/baseline.env', line: 8 }],
    });
  });

  it('reads an env file as it was at a git revision', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { execFileSync } = await import('node:child_process');
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-git-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 't');
    await writeFile(join(dir, 'app.env'), 'SCIM_PAGE_SIZE=100\n');
    git('add', '.');
    git('commit', '-qm', 'one');
    await writeFile(join(dir, 'app.env'), 'SCIM_PAGE_SIZE=999\n');
    const set = await loadEnvSet({ files: ['git:HEAD:app.env'], cwd: dir });
    expect(set.values.get('SCIM_PAGE_SIZE')?.value).toBe('100');
    await expect(loadEnvSet({ files: ['git:no-such-rev:app.env'], cwd: dir })).rejects.toThrow(/Failed to read app\.env at git revision no-such-rev/);
  });
});
