import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

const DIR = 'examples/connectors/event-fetch';

/**
 * The fetch example, made to fail by chance as a connector meeting a real-time rate limit does:
 * each replay (each worker) claims a number k from a folder, and its creates fail for the people
 * whose externalId hashes to k mod 5. No two replays fail the same people, so nothing a replay
 * blocks is repeated by another.
 */
const FLAKY = (example: string) => `import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import * as example from ${JSON.stringify(example)};

let k = -1;
export async function setup() {
  for (let i = 0; k < 0; i++) {
    try {
      closeSync(openSync(join(process.env.FLAKY_DIR, String(i)), 'wx'));
      k = i;
    } catch {}
  }
  await example.setup?.();
}
export const teardown = example.teardown;
export async function handle(event) {
  let h = 0;
  for (const c of event.user.externalId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  if (event.type === 'create' && h % 5 === k % 5) throw new Error('503 from an overloaded staging tenant');
  return example.handle(event);
}
`;

async function saved(dir: string, json: string): Promise<string> {
  const file = join(dir, 'report.json');
  await writeFile(file, json);
  return file;
}

describe('rehearse --connector when outcomes do not repeat between replays', () => {
  it('blames nothing on a change whose blocked accounts a second replay does not block again: inconclusive, not blocks-accounts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-unrepeated-'));
    const claims = join(dir, 'claims');
    await mkdir(claims);
    const connector = join(dir, 'flaky.mjs');
    await writeFile(connector, FLAKY(pathToFileURL(resolve(DIR, 'connector.mjs')).href));
    const staging = `${await readFile(`${DIR}/staging.env`, 'utf8')}\nFLAKY_DIR=${claims}\n`;
    const base = join(dir, 'base.env');
    const candidate = join(dir, 'candidate.env');
    await writeFile(base, staging);
    await writeFile(candidate, staging.replace('acme-provisioner/1.0', 'acme-provisioner/2.0'));
    const result = await runScimsim(['rehearse', '--base', base, '--candidate', candidate, '--connector', connector, '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/default.json', '--users', '100', '--format', 'json']);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as { verdict: string; newlyBlocked: number; unexplained: number; unexplainedBecause: { notReproducible: number }; caveats: string[]; attribution: unknown[]; changes: Array<{ variable: string; effect: string }> };
    // The candidate's run blocked some people by chance; the second replay of it blocked others.
    expect(report.newlyBlocked).toBeGreaterThan(0);
    expect(report.attribution).toEqual([]);
    expect(report.unexplained).toBe(report.newlyBlocked);
    expect(report.unexplainedBecause.notReproducible).toBe(report.newlyBlocked);
    expect(report.verdict).toBe('inconclusive');
    expect(result.code).toBe(0);
    expect(report.changes).toEqual([expect.objectContaining({ variable: 'ACME_USER_AGENT', effect: 'not-judged' })]);
    expect(report.caveats.join('\n')).toContain('not blocked again when the candidate was replayed once more');
    const table = await runScimsim(['report', 'render', await saved(dir, result.stdout), '--format', 'table']);
    expect(table.stdout).toContain('did not block them again');
  });
});
