import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/adapters/server.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { loadDefaultProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { BASE_PATH, TOKEN, scimsim, targetArgs, tempDir, totalOn, type Finished } from '../helpers/live.js';

/**
 * `run --target live` through undici against the embedded provider on a real loopback socket,
 * in another process: the whole path a staging run takes, its cleanup, and SIGINT.
 */
let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function startTarget(limits?: { maxResults: number }): Promise<string> {
  const shipped = await loadDefaultProfile();
  const profile = resolveProfile(limits ? { ...shipped, limits: { ...shipped.limits, maxResults: limits.maxResults, overMaxResults: 'tooMany' } } : shipped);
  server = await startMockServer(new ScimProvider({ profile, basePath: BASE_PATH, tenantId: 'acme-staging', bearerTokens: [TOKEN], seed: 7 }));
  return server.origin;
}

async function runLive(origin: string, users: number, rps: number, onStderr?: (text: string, kill: () => void) => void): Promise<Finished> {
  return scimsim(['run', '--target', 'live', ...targetArgs(origin, `SCIM_RATE_LIMIT_RPS=${rps}`), '--users', String(users), '--format', 'json'], {
    cwd: await tempDir('scimsim-live-'),
    onStderr: (text, child) => onStderr?.(text, () => child.kill('SIGINT')),
  });
}

describe('run --target live', () => {
  it('provisions over undici, reports a run id, and removes every account and group it created', async () => {
    const origin = await startTarget();
    const done = await runLive(origin, 120, 0);
    expect(done.code).toBe(0);
    const runId = /run id: (\S+)/.exec(done.stderr)?.[1];
    expect(runId).toBeDefined();
    const report = JSON.parse(done.stdout) as { runId: string; target: string; result: { blocked: number; requests: unknown } };
    expect(report.target).toBe('live');
    expect(report.runId).toBe(runId);
    expect(report.result.blocked).toBe(0);
    expect(await totalOn(origin, 'Users')).toBe(0);
    expect(await totalOn(origin, 'Groups')).toBe(0);
    expect(done.stdout + done.stderr).not.toContain(TOKEN);
  });

  it('stops on SIGINT with a partial report, exit 130 and nothing left behind', async () => {
    const origin = await startTarget();
    let sent = false;
    const done = await runLive(origin, 20_000, 20, (text, kill) => {
      if (!sent && text.includes('run id:')) {
        sent = true;
        // Interrupt once the run has written something, so there is something to clean up.
        const poll = async (): Promise<void> => {
          if ((await totalOn(origin, 'Users')) > 0) kill();
          else setTimeout(() => void poll(), 20);
        };
        void poll();
      }
    });
    expect(sent).toBe(true);
    expect(done.code).toBe(130);
    const report = JSON.parse(done.stdout) as { partial: boolean; users: number; result: { blocked: number; byStage: Record<string, number> } };
    expect(report.partial).toBe(true);
    expect(Object.values(report.result.byStage).reduce((a, b) => a + b, 0)).toBe(report.result.blocked);
    expect(report.users).toBe(20_000);
    expect(await totalOn(origin, 'Users')).toBe(0);
    expect(await totalOn(origin, 'Groups')).toBe(0);
  });

  it('rehearses live: every replay with its own run id, each cleaned up, the page size blamed', async () => {
    const origin = await startTarget({ maxResults: 50 });
    const dir = await tempDir('scimsim-live-rehearse-');
    const base = `${(await readFile('fixtures/env/baseline.env', 'utf8')).replace(/^SCIM_API_BASE_URL=.*$/m, `SCIM_API_BASE_URL=${origin}${BASE_PATH}`).replace(/^SCIM_RATE_LIMIT_RPS=.*$/m, 'SCIM_RATE_LIMIT_RPS=0').replace(/^SCIM_PAGE_SIZE=.*$/m, 'SCIM_PAGE_SIZE=50')}`;
    await writeFile(join(dir, 'base.env'), base);
    await writeFile(join(dir, 'candidate.env'), `${base}\nSCIM_PAGE_SIZE=100\nSCIM_TIMEOUT_MS=15000\n`);
    const { code, stdout, stderr } = await scimsim(['rehearse', '--target', 'live', '--base', join(dir, 'base.env'), '--candidate', join(dir, 'candidate.env'), '--users', '80', '--format', 'json'], { cwd: dir });
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as { target: string; attribution: Array<{ variables: string[]; reasons: Array<{ status: number; scimType: string }> }>; changes: Array<{ variable: string; effect: string }>; runs: number };
    expect(report.target).toBe('live');
    expect(report.attribution.map((a) => a.variables)).toEqual([['SCIM_PAGE_SIZE']]);
    expect(report.attribution[0]?.reasons[0]).toMatchObject({ status: 400, scimType: 'tooMany' });
    expect(report.changes.find((c) => c.variable === 'SCIM_TIMEOUT_MS')?.effect).toBe('harmless');
    expect(new Set(stderr.match(/run id: \S+/g)).size).toBeGreaterThanOrEqual(3);
    expect(await totalOn(origin, 'Users')).toBe(0);
    expect(await totalOn(origin, 'Groups')).toBe(0);
  });

  it('rehearse --target live stops at --max-requests after the baseline run: no further replay starts, nothing is left behind', async () => {
    const origin = await startTarget();
    const dir = await tempDir('scimsim-live-rehearse-cap-');
    const base = `${(await readFile('fixtures/env/baseline.env', 'utf8')).replace(/^SCIM_API_BASE_URL=.*$/m, `SCIM_API_BASE_URL=${origin}${BASE_PATH}`).replace(/^SCIM_RATE_LIMIT_RPS=.*$/m, 'SCIM_RATE_LIMIT_RPS=0')}`;
    await writeFile(join(dir, 'base.env'), base);
    await writeFile(join(dir, 'candidate.env'), `${base}\nSCIM_PAGE_SIZE=200\n`);
    const { code, stderr } = await scimsim(['rehearse', '--target', 'live', '--base', join(dir, 'base.env'), '--candidate', join(dir, 'candidate.env'), '--users', '80', '--max-requests', '60'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/--max-requests 60 does not leave room for the baseline and candidate runs/);
    expect(stderr.match(/run id: \S+/g)).toHaveLength(1);
    expect(await totalOn(origin, 'Users')).toBe(0);
  });

  it('rotate --target live sends real read traffic and flags a next token the target does not accept', async () => {
    const origin = await startTarget();
    const dir = await tempDir('scimsim-live-rotate-');
    await writeFile(join(dir, 'next.env'), 'SCIM_AUTH_TOKEN=stg-next-2b8e61d04c9f4a7e93d5c1a0f6b2e8d4\n');
    await writeFile(join(dir, 'url.env'), `SCIM_API_BASE_URL=${origin}${BASE_PATH}\nSCIM_RATE_LIMIT_RPS=0\n`);
    const { code, stdout } = await scimsim(['rotate', '--target', 'live', '--env', 'fixtures/env/baseline.env', '--env', join(dir, 'url.env'), '--next', 'fixtures/env/baseline.env', '--next', join(dir, 'url.env'), '--next', join(dir, 'next.env'), '--duration', '2s', '--rate', '20', '--format', 'json'], { cwd: process.cwd() });
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as { target: string; requests: number; authFailures: { current: number; next: number }; findings: Array<{ code: string }> };
    expect(report).toMatchObject({ target: 'live', requests: 40, authFailures: { current: 0, next: 20 } });
    expect(report.findings.map((f) => f.code)).toEqual(['next-not-accepted']);
  });
});
