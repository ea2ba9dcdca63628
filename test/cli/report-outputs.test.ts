import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';

const BASELINE = 'fixtures/env/baseline.env';
const CANDIDATE = 'fixtures/env/candidate.env';

/** Wall-clock time is the one thing two runs of the same seed do not share. */
function withoutTimings(text: string): string {
  if (text.trimStart().startsWith('{')) {
    const report = JSON.parse(text) as Record<string, unknown>;
    delete report.timing;
    return JSON.stringify(report, null, 2);
  }
  return text.replace(/[\d.]+ s wall/g, '? s wall').replace(/time="[\d.]+"/g, 'time="?"');
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'scimsim-reports-'));
}

describe('--report FORMAT=FILE', () => {
  it('run: one run writes json, junit and markdown files equal to what --format prints for the same seed', async () => {
    const dir = await tempDir();
    const args = ['run', '--env', BASELINE, '--users', '120', '--seed', '5', '--set', 'SCIM_PAGE_SIZE=500'];
    const result = await runScimsim([...args, '--report', `json=${join(dir, 'r.json')}`, '--report', `junit=${join(dir, 'r.xml')}`, '--report', `markdown=${join(dir, 'r.md')}`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('blocked');
    for (const [format, file] of [['json', 'r.json'], ['junit', 'r.xml'], ['markdown', 'r.md']] as const) {
      const printed = await runScimsim([...args, '--format', format]);
      const written = await readFile(join(dir, file), 'utf8');
      expect(written.length).toBeGreaterThan(0);
      expect(withoutTimings(written)).toBe(withoutTimings(printed.stdout));
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
    }
  });

  it('rehearse: the table file equals the table on stdout, the json file the json format', async () => {
    const dir = await tempDir();
    const args = ['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1'];
    const result = await runScimsim([...args, '--format', 'json', '--report', `table=${join(dir, 't.txt')}`, '--report', `junit=${join(dir, 'j.xml')}`]);
    const table = await runScimsim(args);
    expect(withoutTimings(await readFile(join(dir, 't.txt'), 'utf8'))).toBe(withoutTimings(table.stdout));
    expect(JSON.parse(result.stdout)).toMatchObject({ command: 'rehearse' });
    expect(await readFile(join(dir, 'j.xml'), 'utf8')).toMatch(/^<\?xml/);
  });

  it('load: writes a junit file beside the table', async () => {
    const dir = await tempDir();
    const result = await runScimsim(['load', '--env', BASELINE, '--rate', '5', '--duration', '2s', '--report', `junit=${join(dir, 'load.xml')}`]);
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, 'load.xml'), 'utf8')).toContain('<testsuite');
  });

  it('check and diff take --report in their own formats', async () => {
    const dir = await tempDir();
    const check = await runScimsim(['check', '--env', BASELINE, '--report', `json=${join(dir, 'check.json')}`]);
    expect(check.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'check.json'), 'utf8'))).toHaveProperty('valid', true);
    const diff = await runScimsim(['diff', '--base', BASELINE, '--candidate', CANDIDATE, '--report', `markdown=${join(dir, 'diff.md')}`]);
    const markdown = await runScimsim(['diff', '--base', BASELINE, '--candidate', CANDIDATE, '--format', 'markdown']);
    expect(diff.code).toBe(0);
    expect(await readFile(join(dir, 'diff.md'), 'utf8')).toBe(markdown.stdout);
  });

  it.each([
    [['run', '--env', BASELINE, '--report', 'json'], /names no file/],
    [['run', '--env', BASELINE, '--report', 'pdf=x.pdf'], /unknown format "pdf"; this command writes table, json, markdown, junit, html/],
    [['run', '--env', BASELINE, '--report', 'json='], /names no file/],
    [['check', '--env', BASELINE, '--report', 'junit=x.xml'], /unknown format "junit"; this command writes table, json/],
    [['diff', '--base', BASELINE, '--candidate', CANDIDATE, '--report', 'junit=x.xml'], /unknown format "junit"/],
    [['run', '--env', BASELINE, '--report', 'json=a.json', '--report', 'junit=a.json'], /named by another --report/],
    [['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--out', 'a.json', '--report', 'json=a.json'], /is the --out file too/],
  ])('refuses %j with one message and exit 1, before any work', async (args, message) => {
    const result = await runScimsim(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('a report file passes through the redactor: no secret of the env set in it', async () => {
    const dir = await tempDir();
    const secret = 'sk-report-file-secret-0123456789';
    const result = await runScimsim(['check', '--env', BASELINE, '--set', `SCIM_AUTH_TOKEN=${secret}`, '--report', `json=${join(dir, 'c.json')}`, '--report', `table=${join(dir, 'c.txt')}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SCIM_AUTH_TOKEN');
    expect(result.stdout).not.toContain(secret);
    for (const file of ['c.json', 'c.txt']) {
      const text = await readFile(join(dir, file), 'utf8');
      expect(text).toContain('SCIM_AUTH_TOKEN');
      expect(text).not.toContain(secret);
    }
  });
});

describe('report merge --report', () => {
  it('writes the merged report in further formats, equal to what --format prints', async () => {
    const dir = await tempDir();
    for (const shard of ['1/2', '2/2']) {
      const result = await runScimsim(['load', '--env', BASELINE, '--rate', '6', '--duration', '2s', '--shard', shard, '--report', `json=${join(dir, `shard-${shard[0]}.json`)}`]);
      expect(result.code).toBe(0);
    }
    const shards = [join(dir, 'shard-1.json'), join(dir, 'shard-2.json')];
    const merged = await runScimsim(['report', 'merge', ...shards, '--report', `junit=${join(dir, 'merged.xml')}`, '--report', `markdown=${join(dir, 'merged.md')}`]);
    expect(merged.code).toBe(0);
    for (const [format, file] of [['junit', 'merged.xml'], ['markdown', 'merged.md']] as const) {
      const printed = await runScimsim(['report', 'merge', ...shards, '--format', format]);
      expect(await readFile(join(dir, file), 'utf8')).toBe(printed.stdout);
    }
  });
});
