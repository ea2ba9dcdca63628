import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/live.js';
import { runScimsim, type CliResult } from '../helpers/run-cli.js';

/**
 * Hostile input: env files, report files, journal folders and servers an attacker (or an
 * accident) shaped. Each one gets one clear message and exit 1 (or a blocked account with its
 * reason), no stack trace and no internal error, and output of bounded size.
 */
const TOKEN = 'stg-hostile-3c9a1e5b2d4c6f8a';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzY2ltc2ltLWhvc3RpbGUifQ.c2lnbmF0dXJlLW9mLWEtd3JhcHBlZC10b2tlbg';

function expectOneCleanError(result: CliResult, message: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  // One message: a few lines, whatever the size of the input.
  expect(result.stderr.length).toBeLessThan(2000);
}

async function envFile(dir: string, name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const BASE = ['SCIM_API_BASE_URL=https://staging.example.com/scim/v2', `SCIM_AUTH_TOKEN=${TOKEN}`];

describe('hostile env files', () => {
  it('quotes a wrapped JWT on its own line by line number and a masked excerpt, never whole', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = await envFile(dir, 'wrapped.env', [...BASE, 'SCIM_OAUTH_CLIENT_SECRET=', JWT]);
    const result = await runScimsim(['check', '--env', file]);
    expectOneCleanError(result, /wrapped\.env:4: expected KEY=VALUE, found a line of \d+ characters with no =/);
    expect(result.stderr).not.toContain(JWT.slice(0, 12));
  });

  it('refuses a file with a 10 MB line by its size, in one short message', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = await envFile(dir, 'huge.env', [...BASE, `SCIM_PAGE_SIZE ${'x'.repeat(10 * 1024 * 1024)}`]);
    expectOneCleanError(await runScimsim(['check', '--env', file]), /huge\.env: it is larger than 1024 KiB/);
  });

  it('quotes a long malformed line under the size cap by a short excerpt', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = await envFile(dir, 'long.env', [...BASE, `SCIM_TIMEOUT_MS ${'7'.repeat(500_000)}`]);
    expectOneCleanError(await runScimsim(['check', '--env', file]), /long\.env:3: /);
  });

  it('keeps a non-secret value in a message short', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = await envFile(dir, 'value.env', [...BASE, `SCIM_PAGE_SIZE=${'9x'.repeat(200_000)}`]);
    const result = await runScimsim(['check', '--env', file, '--format', 'json']);
    expect(result.code).toBe(2);
    const problem = (JSON.parse(result.stdout) as { problems: Array<{ code: string; message: string }> }).problems.find((p) => p.code === 'not-an-integer');
    expect(problem?.message).toMatch(/… \(400000 characters\) is not a whole number/);
    expect(problem?.message.length).toBeLessThan(200);
  });

  it('reads only regular files: a symlink to /dev/zero is refused', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const link = join(dir, 'zero.env');
    await symlink('/dev/zero', link);
    expectOneCleanError(await runScimsim(['check', '--env', link]), /zero\.env: it is not a regular file/);
  });

  it('stops a doubling ${A}${A} chain before it grows past the expansion cap', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const chain = ['SCIM_X0=abcdefghijklmnop'];
    for (let i = 1; i <= 40; i++) chain.push(`SCIM_X${i}=\${SCIM_X${i - 1}}\${SCIM_X${i - 1}}`);
    const file = await envFile(dir, 'doubling.env', [...BASE, ...chain]);
    expectOneCleanError(await runScimsim(['check', '--env', file]), /Failed to expand SCIM_X\d+: its value grows to more than 65536 characters/);
  });

  it('stops one line of many references to a long value as it grows', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = await envFile(dir, 'wide.env', [...BASE, `SCIM_LONG=${'a'.repeat(60_000)}`, `SCIM_WIDE=${'${SCIM_LONG}'.repeat(50_000)}`]);
    expectOneCleanError(await runScimsim(['check', '--env', file]), /Failed to expand SCIM_WIDE/);
  });

  it('checks 16,000 unknown names and reports each (the work grows linearly)', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const many = Array.from({ length: 16_000 }, (_, i) => `SCIM_CUSTOM_SETTING_${i}=v${i}`);
    const file = await envFile(dir, 'many.env', [...BASE, ...many]);
    const result = await runScimsim(['check', '--env', file, '--format', 'json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { variables: unknown[] }).variables.length).toBeGreaterThan(16_000);
  });

  it('reads a JSON env file of 16,000 keys, each on its own line (the work grows linearly)', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = join(dir, 'many.json');
    const object: Record<string, string> = { SCIM_API_BASE_URL: 'https://staging.example.com/scim/v2', SCIM_AUTH_TOKEN: TOKEN };
    for (let i = 0; i < 16_000; i++) object[`SCIM_CUSTOM_SETTING_${i}`] = `v${i}`;
    await writeFile(file, JSON.stringify(object, null, 1));
    const result = await runScimsim(['check', '--env', file, '--format', 'json']);
    expect(result.code).toBe(0);
    const rows = (JSON.parse(result.stdout) as { variables: Array<{ name: string; source: string }> }).variables;
    expect(rows.find((r) => r.name === 'SCIM_CUSTOM_SETTING_15999')?.source).toBe(`${file}:16003`);
  });

  it('refuses a JSON key that is not a name, without quoting it', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = join(dir, 'key.json');
    await writeFile(file, JSON.stringify({ SCIM_API_BASE_URL: 'https://staging.example.com/scim/v2', [`Bearer ${TOKEN}`]: 'x' }, null, 1));
    const result = await runScimsim(['check', '--env', file]);
    expectOneCleanError(result, /key\.json:3: "Bear…" \(\d+ characters\) is not a valid variable name/);
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('never prints a JWT pasted as a key, though it has the shape of a name', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = await envFile(dir, 'jwt-key.env', [...BASE, `${JWT}=x`]);
    for (const format of ['table', 'json']) {
      const result = await runScimsim(['check', '--env', file, '--format', format]);
      expect(result.stdout + result.stderr).not.toContain(JWT.slice(0, 30));
    }
  });

  it('refuses a variable name of 10,000 characters by a short excerpt', async () => {
    const dir = await tempDir('scimsim-hostile-');
    const file = await envFile(dir, 'name.env', [...BASE, `SCIM_${'N'.repeat(10_000)}=1`]);
    expectOneCleanError(await runScimsim(['check', '--env', file]), /name\.env:3: the name .* is longer than 128 characters/);
  });

  it.each([
    ['a nested reference', "SCIM_API_BASE_URL=${NOPE:-${SCIM_TENANT_ID}}", /nested-reference|nests a reference inside a fallback/],
    ['a literal ${ in a plain-http URL', "SCIM_API_BASE_URL='http://0.0.0.0:8080/scim/v2/${x}'", /plain http to 0\.0\.0\.0/],
    ['userinfo beside a literal ${', "SCIM_API_BASE_URL='https://u:p@staging.example.com/${x}'", /embeds credentials in the URL/],
    ['an unresolvable reference', 'SCIM_API_BASE_URL=https://staging.example.com/${SCIM_NOT_SET}/v2', /references \$\{SCIM_NOT_SET\}, which is not set/],
  ])('makes %s a check error with file:line, and run refuses it with exit 1', async (_what, line, message) => {
    const dir = await tempDir('scimsim-hostile-');
    const file = await envFile(dir, 'refs.env', ['SCIM_TENANT_ID=acme', `SCIM_AUTH_TOKEN=${TOKEN}`, line]);
    const checked = await runScimsim(['check', '--env', file]);
    expect(checked.code).toBe(2);
    expect(checked.stdout).toMatch(message);
    expect(checked.stdout).toContain('refs.env:3');
    expectOneCleanError(await runScimsim(['run', '--env', file, '--users', '5']), /the env set is invalid/);
  });
});

describe('hostile report files', () => {
  async function shardReport(dir: string): Promise<Record<string, unknown>> {
    const out = join(dir, 'shard-1.json');
    const result = await runScimsim(['load', '--env', 'fixtures/env/baseline.env', '--rate', '5', '--duration', '2s', '--shard', '1/2', '--format', 'json', '--out', out]);
    expect(result.code).toBe(0);
    return JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  }

  it.each([
    ['a billion shards', (r: Record<string, unknown>) => ({ ...r, shard: { index: 0, count: 1e9 } }), /shard\.count: 1000000000 is outside 1\.\.1024/],
    ['a string count', (r: Record<string, unknown>) => ({ ...r, shard: { index: 0, count: '2' } }), /shard\.count: expected a whole number, found the string "2"/],
    ['a negative count', (r: Record<string, unknown>) => ({ ...r, iterations: { scheduled: -5, started: 0, dropped: 0, completed: 0 } }), /iterations\.scheduled: -5 is outside/],
    ['a shard index past the count', (r: Record<string, unknown>) => ({ ...r, shard: { index: 7, count: 2 } }), /shard\.index: 7 is outside 0\.\.1/],
    ['operations that are not objects', (r: Record<string, unknown>) => ({ ...r, operations: 'many' }), /operations: expected an object/],
  ])('report merge refuses %s with exit 1', async (_what, damage, message) => {
    const dir = await tempDir('scimsim-hostile-');
    const damaged = join(dir, 'damaged.json');
    await writeFile(damaged, JSON.stringify(damage(await shardReport(dir))));
    expectOneCleanError(await runScimsim(['report', 'merge', damaged, damaged]), message);
  }, 60_000);
});

describe('odd entries under .scimsim/runs', () => {
  it('skips a folder named like a journal with a warning', async () => {
    const dir = await tempDir('scimsim-hostile-');
    await mkdir(join(dir, '.scimsim', 'runs', 'odd.jsonl'), { recursive: true });
    const result = await runScimsim(['cleanup', '--env', join(process.cwd(), 'fixtures/env/baseline.env'), '--all'], { cwd: dir });
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stderr).toContain('warning: skipped .scimsim/runs/odd.jsonl: it is a folder.');
    expect(result.code).toBe(0);
  });

  it('names a journal folder that is a file instead of failing inside a live run', async () => {
    const dir = await tempDir('scimsim-hostile-');
    await writeFile(join(dir, '.scimsim'), 'not a folder');
    const target = await startServer((_req, res) => res.writeHead(500).end());
    const env = await envFile(dir, 'live.env', [`SCIM_API_BASE_URL=${target.origin}/scim/v2`, `SCIM_AUTH_TOKEN=${TOKEN}`]);
    expectOneCleanError(await runScimsim(['run', '--target', 'live', '--env', env, '--users', '2'], { cwd: dir }), /Failed to create the journal folder/);
  });
});

let servers: Server[] = [];
afterEach(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  servers = [];
});

async function startServer(handler: Parameters<typeof createServer>[1]): Promise<{ origin: string }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('hostile servers', () => {
  it.each([['streamed without a length'], ['with its Content-Length']])('blocks accounts with reason response-too-large for an answer beyond the body cap (%s), and finishes', async (how) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const target = await startServer((req, res) => {
      req.resume();
      // 24 MiB of JSON-looking text.
      const length = how === 'with its Content-Length' ? { 'content-length': String(24 * chunk.length + 18) } : {};
      res.writeHead(200, { 'content-type': 'application/scim+json', ...length });
      res.write('{"Resources":["');
      let sent = 0;
      const more = (): void => {
        while (sent < 24) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end('"]}');
      };
      more();
    });
    const dir = await tempDir('scimsim-hostile-');
    const env = await envFile(dir, 'live.env', [`SCIM_API_BASE_URL=${target.origin}/scim/v2`, `SCIM_AUTH_TOKEN=${TOKEN}`, 'SCIM_MAX_RETRIES=1']);
    const result = await runScimsim(['run', '--target', 'live', '--env', env, '--users', '2', '--format', 'json'], { cwd: dir });
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('response-too-large');
  }, 60_000);
});
