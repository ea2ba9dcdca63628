import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';

const BASELINE = 'fixtures/env/baseline.env';
const CANDIDATE = 'fixtures/env/candidate.env';
const IDEAL = 'fixtures/servers/default.json';

let dir: string;
const file = (name: string): string => join(dir, name);

/** Runs a command, saving its JSON report under `name`. */
async function save(name: string, args: string[]): Promise<void> {
  const result = await runScimsim([...args, '--report', `json=${file(name)}`]);
  expect([0, 2]).toContain(result.code);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsim-compare-'));
  await save('run-safe.json', ['run', '--env', BASELINE, '--users', '120']);
  await save('run-blocks.json', ['run', '--env', BASELINE, '--users', '120', '--set', 'SCIM_PAGE_SIZE=500']);
  await save('rehearse-safe.json', ['rehearse', '--base', BASELINE, '--candidate', BASELINE, '--users', '60', '--workers', '1']);
  await save('rehearse-blocks.json', ['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1']);
  await save('load-ideal.json', ['load', '--env', BASELINE, '--rate', '5', '--duration', '2s', '--server-profile', IDEAL]);
  await save('load-staging.json', ['load', '--env', BASELINE, '--rate', '5', '--duration', '2s']);
  await save('load-failing.json', ['load', '--env', BASELINE, '--rate', '5', '--duration', '2s', '--server-profile', IDEAL, '--set', 'SCIM_AUTH_TOKEN=not-the-right-token']);
});

describe('scimsim report compare', () => {
  it('run: more blocked accounts is a regression, exit 2; fewer is not, exit 0', async () => {
    const worse = await runScimsim(['report', 'compare', file('run-safe.json'), file('run-blocks.json')]);
    expect(worse.code).toBe(2);
    expect(worse.stdout).toMatch(/regression\s+blocked accounts: 0 -> [1-9]/);
    expect(worse.stdout).toMatch(/verdict: safe -> blocks-accounts/);
    const better = await runScimsim(['report', 'compare', file('run-blocks.json'), file('run-safe.json')]);
    expect(better.code).toBe(0);
    expect(better.stdout).toContain('no regression');
    expect(better.stdout).not.toMatch(/^regression/m);
  });

  it('run: as many blocked accounts in all, but more at one stage, is a regression', async () => {
    // The same report with the accounts blocked at deactivate blocked at update instead.
    const json = JSON.parse(await readFile(file('run-blocks.json'), 'utf8')) as { result: { byStage: Record<string, number>; reasons: Array<{ stage: string; examples: Array<{ request: { stage: string } }> }> } };
    const moved = json.result.byStage.deactivate ?? 0;
    expect(moved).toBeGreaterThan(0);
    json.result.byStage.update = (json.result.byStage.update ?? 0) + moved;
    json.result.byStage.deactivate = 0;
    for (const reason of json.result.reasons.filter((r) => r.stage === 'deactivate')) {
      reason.stage = 'update';
      for (const example of reason.examples) example.request.stage = 'update';
    }
    await writeFile(file('run-moved.json'), JSON.stringify(json));
    const result = await runScimsim(['report', 'compare', file('run-blocks.json'), file('run-moved.json')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^ok\s+blocked accounts: (\d+) -> \1$/m);
    expect(result.stdout).toContain(`regression  blocked at update: 0 -> ${moved}`);
  });

  it('rehearse: as many newly blocked accounts, but more at one stage, is a regression', async () => {
    const json = JSON.parse(await readFile(file('rehearse-blocks.json'), 'utf8')) as { attribution: Array<{ byStage: Record<string, number> }> };
    const first = json.attribution[0];
    const created = first?.byStage.create ?? 0;
    expect(created).toBeGreaterThan(0);
    if (first) first.byStage = { ...first.byStage, create: 0, group: (first.byStage.group ?? 0) + created };
    await writeFile(file('rehearse-moved.json'), JSON.stringify(json));
    const result = await runScimsim(['report', 'compare', file('rehearse-blocks.json'), file('rehearse-moved.json')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`regression  newly blocked at group: 0 -> ${created}`);
  });

  it('the same report twice is no regression', async () => {
    const same = await runScimsim(['report', 'compare', file('run-blocks.json'), file('run-blocks.json')]);
    expect(same.code).toBe(0);
  });

  it('rehearse: newly blocked accounts going up is a regression, exit 2; down, exit 0', async () => {
    const worse = await runScimsim(['report', 'compare', file('rehearse-safe.json'), file('rehearse-blocks.json')]);
    expect(worse.code).toBe(2);
    expect(worse.stdout).toMatch(/regression\s+newly blocked accounts: 0 -> [1-9]/);
    const better = await runScimsim(['report', 'compare', file('rehearse-blocks.json'), file('rehearse-safe.json')]);
    expect(better.code).toBe(0);
  });

  it('load: a p95 past the tolerance is a regression; a wide tolerance accepts it; faster is fine', async () => {
    const slower = await runScimsim(['report', 'compare', file('load-ideal.json'), file('load-staging.json')]);
    expect(slower.code).toBe(2);
    expect(slower.stdout).toMatch(/regression\s+create p95: [\d.]+ ms -> [\d.]+ ms/);
    expect(slower.stdout).toContain('more than 10 % slower');
    const tolerated = await runScimsim(['report', 'compare', file('load-ideal.json'), file('load-staging.json'), '--latency-tolerance', '1000000']);
    expect(tolerated.code).toBe(0);
    const faster = await runScimsim(['report', 'compare', file('load-staging.json'), file('load-ideal.json')]);
    expect(faster.code).toBe(0);
  });

  it('load: an error rate up past the tolerance is a regression', async () => {
    const failing = await runScimsim(['report', 'compare', file('load-ideal.json'), file('load-failing.json')]);
    expect(failing.code).toBe(2);
    expect(failing.stdout).toMatch(/regression\s+all operations error rate: 0\.00 % -> [1-9][\d.]* %/);
    const recovered = await runScimsim(['report', 'compare', file('load-failing.json'), file('load-ideal.json')]);
    expect(recovered.code).toBe(0);
  });

  it.each([
    ['reports of two commands', () => ['report', 'compare', file('run-safe.json'), file('rehearse-safe.json')], /is a run report and .* a rehearse report/],
    ['a file that is not a report', () => ['report', 'compare', file('run-safe.json'), file('junk.json')], /is not JSON/],
    ['a missing file', () => ['report', 'compare', file('run-safe.json'), file('absent.json')], /Failed to read .*ENOENT/],
    ['a negative tolerance', () => ['report', 'compare', file('load-ideal.json'), file('load-staging.json'), '--error-tolerance', '-1'], /--error-tolerance -1/],
  ])('exits 1 on %s', async (_what, args, message) => {
    await writeFile(file('junk.json'), 'blocked: 3');
    const result = await runScimsim(args());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
