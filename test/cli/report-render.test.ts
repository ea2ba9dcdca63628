import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';

const BASELINE = 'fixtures/env/baseline.env';
const CANDIDATE = 'fixtures/env/candidate.env';
const FORMATS = ['table', 'json', 'markdown', 'junit', 'html'] as const;

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'scimsim-render-'));
}

/** Runs a command with --report for every format, so each rendering comes from the one run. */
async function runWithEveryFormat(dir: string, args: string[]): Promise<Record<(typeof FORMATS)[number], string>> {
  const result = await runScimsim([...args, ...FORMATS.flatMap((f) => ['--report', `${f}=${join(dir, `original.${f}`)}`])]);
  expect([0, 2]).toContain(result.code);
  const out = {} as Record<(typeof FORMATS)[number], string>;
  for (const f of FORMATS) out[f] = await readFile(join(dir, `original.${f}`), 'utf8');
  return out;
}

describe('scimsim report render', () => {
  it('renders a saved rehearse JSON as the table the original run printed', async () => {
    const dir = await tempDir();
    const args = ['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1', '--report', `json=${join(dir, 'saved.json')}`];
    const original = await runScimsim(args);
    expect(original.code).toBe(2);
    const rendered = await runScimsim(['report', 'render', join(dir, 'saved.json'), '--format', 'table']);
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toContain('SCIM_');
    expect(rendered.stdout).toBe(original.stdout);
  });

  for (const [kind, args] of [
    ['run', ['run', '--env', BASELINE, '--users', '120', '--seed', '5', '--set', 'SCIM_PAGE_SIZE=500']],
    ['rehearse', ['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1', '--dialect', 'entra']],
    ['load', ['load', '--env', BASELINE, '--rate', '5', '--duration', '2s']],
  ] as const) {
    it(`${kind}: every format rendered from the saved JSON equals the original rendering`, async () => {
      const dir = await tempDir();
      const original = await runWithEveryFormat(dir, [...args]);
      for (const f of FORMATS) {
        const rendered = await runScimsim(['report', 'render', join(dir, 'original.json'), '--format', f]);
        expect(rendered.code).toBe(0);
        expect(rendered.stdout).toBe(original[f]);
      }
    });
  }

  it('writes --report files from a saved report too', async () => {
    const dir = await tempDir();
    const original = await runWithEveryFormat(dir, ['run', '--env', BASELINE, '--users', '50']);
    const rendered = await runScimsim(['report', 'render', join(dir, 'original.json'), '--format', 'json', '--report', `junit=${join(dir, 'again.xml')}`]);
    expect(rendered.code).toBe(0);
    expect(await readFile(join(dir, 'again.xml'), 'utf8')).toBe(original.junit);
  });

  it.each([
    ['not JSON', 'not json at all', /is not JSON/],
    ['another kind of report', JSON.stringify({ formatVersion: '1.0', command: 'diff' }), /it is a diff report/],
    ['a rehearse report missing its changes', JSON.stringify({ formatVersion: '1.0', command: 'rehearse', verdict: 'safe' }), /not a sound scimsim rehearse report/],
    ['a run report of another format version', JSON.stringify({ formatVersion: '2.0', command: 'run' }), /formatVersion/],
    ['an array', '[]', /names no command/],
  ])('refuses %s with exit 1', async (_what, text, message) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.json'), text);
    const result = await runScimsim(['report', 'render', join(dir, 'bad.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('refuses a run report with a field of the wrong type, naming the field', async () => {
    const dir = await tempDir();
    const original = await runWithEveryFormat(dir, ['run', '--env', BASELINE, '--users', '50']);
    const json = JSON.parse(original.json) as { result: { blocked: unknown } };
    json.result.blocked = 'none';
    await writeFile(join(dir, 'edited.json'), JSON.stringify(json));
    const result = await runScimsim(['report', 'render', join(dir, 'edited.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('result.blocked');
  });
});
