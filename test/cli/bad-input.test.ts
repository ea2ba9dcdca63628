import { describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';

const check = (...files: string[]) => runScimsim(['check', ...files.flatMap((f) => ['--env', f])]);

describe('bad input', () => {
  it.each([
    ['a missing file', 'fixtures/env/nope.env', /Failed to read env file fixtures\/env\/nope\.env: no such file\./],
    ['a directory', 'fixtures/env/bad/a-directory', /fixtures\/env\/bad\/a-directory: it is a directory\./],
    ['a binary file', 'fixtures/env/bad/binary.env', /fixtures\/env\/bad\/binary\.env: it is binary \(a NUL byte on line 2\)\./],
    ['invalid UTF-8', 'fixtures/env/bad/latin1.env', /fixtures\/env\/bad\/latin1\.env: line 3 is not valid UTF-8\./],
    ['an empty file', 'fixtures/env/bad/empty.env', /fixtures\/env\/bad\/empty\.env: it is empty\./],
    ['an unclosed quote', 'fixtures/env/bad/unclosed.env', /fixtures\/env\/bad\/unclosed\.env:2: the double-quoted value of SCIM_AUTH_TOKEN is never closed/],
    ['broken JSON', 'fixtures/env/bad/broken.json', /Failed to parse fixtures\/env\/bad\/broken\.json[\s\S]*broken\.json:4: invalid JSON/],
  ])('rejects %s with one message naming it, exit 1, no stack', async (_what, file, message) => {
    const result = await check(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('lists every malformed line of a file in one message, without echoing values', async () => {
    const result = await check('fixtures/env/bad/malformed.env');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Failed to parse fixtures/env/bad/malformed.env: 4 malformed lines.');
    for (const line of [2, 3, 4, 5]) expect(result.stderr).toContain(`fixtures/env/bad/malformed.env:${line}:`);
    expect(result.stderr).not.toContain('stg-should-never-be-echoed');
  });

  it('prints the stack trace only with --debug', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/nope.env', '--debug']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('rejects an unknown flag with a clear message', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/baseline.env', '--conect']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown argument: conect');
    expect(result.stderr).toContain('scimsim --help');
  });

  it('names a mistyped required flag, not only the flag it then misses', async () => {
    const result = await runScimsim(['rehearse', '--bas', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/candidate.env']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown argument: bas. Missing required argument: base');
    // Every spelling yargs accepts of a known flag is known: kebab, camel and --no-.
    const spelled = await runScimsim(['rehearse', '--candidate', 'x', '--serverProfile', 'y', '--max-runs=3', '--no-keep']);
    expect(spelled.stderr.split('\n')[0]).toBe('scimsim: Missing required argument: base');
  });

  it('rejects an unknown command and a missing required flag', async () => {
    const unknown = await runScimsim(['chekc']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command: chekc. Did you mean check?');
    const missing = await runScimsim(['check']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Missing required argument: env');
  });

  it('rejects a malformed --set without echoing it', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/baseline.env', '--set', 'SCIM_AUTH_TOKEN:s3cret-in-flag']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Failed to read a --set flag: it has no =.');
    expect(result.stderr).not.toContain('s3cret-in-flag');
  });

  it('rejects an --out path that cannot be written', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/baseline.env', '--out', 'fixtures/env/no-such-dir/report.txt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Failed to write the report to fixtures/env/no-such-dir/report.txt: ENOENT.');
  });
});
