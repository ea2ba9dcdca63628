import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';

const BASELINE_TOKEN = 'stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b';
const ROOT = '/acme-staging/scim/v2';

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts `scimsim mock` as users do and waits for its one stdout line. */
async function startMock(args: string[] = []): Promise<{ origin: string; stdout: () => string; exit: Promise<number | null> }> {
  const proc = spawn(process.execPath, ['dist/cli/bin.js', 'mock', ...args]);
  child = proc;
  let stdout = '';
  proc.stdout.setEncoding('utf8');
  const exit = once(proc, 'exit').then(([code]) => code as number | null);
  const line = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0] ?? '');
    });
    proc.once('exit', () => reject(new Error(`mock exited early: ${stdout}`)));
  });
  const origin = /^listening (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
  if (!origin) throw new Error(`unexpected first line: ${line}`);
  return { origin, stdout: () => stdout, exit };
}

describe('scimsim mock', () => {
  it('serves the default profile at the baseline root with the baseline token, then exits 0 on SIGTERM', async () => {
    const mock = await startMock();
    const auth = { authorization: `Bearer ${BASELINE_TOKEN}` };
    const spc = await fetch(`${mock.origin}${ROOT}/ServiceProviderConfig`, { headers: auth });
    expect(spc.status).toBe(200);
    expect(await spc.json()).toMatchObject({ patch: { supported: true } });
    expect((await fetch(`${mock.origin}${ROOT}/ServiceProviderConfig`)).status).toBe(401);
    expect((await fetch(`${mock.origin}/scim/v2/Users`, { headers: auth })).status).toBe(404);
    const created = await fetch(`${mock.origin}${ROOT}/Users`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'curl@example.com' }),
    });
    expect(created.status).toBe(201);
    child?.kill('SIGTERM');
    expect(await mock.exit).toBe(0);
    expect(mock.stdout()).toBe(`listening ${mock.origin}\n`);
  });

  it('exits 0 on SIGINT too', async () => {
    const mock = await startMock(['--server-profile', 'fixtures/servers/staging.json']);
    child?.kill('SIGINT');
    expect(await mock.exit).toBe(0);
  });

  it('names the field of a malformed profile and exits 1', async () => {
    const proc = spawn(process.execPath, ['dist/cli/bin.js', 'mock', '--server-profile', 'test/fixtures/servers/bad-profile.json']);
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const [code] = await once(proc, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad-profile\.json:\d+: limits\.rateLimit\.requestsPerSecond/);
  });
});
