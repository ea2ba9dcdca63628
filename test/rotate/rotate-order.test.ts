import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RotationReport } from '../../src/rotate/rotate.js';
import { runScimsim } from '../helpers/run-cli.js';

const OAUTH = (secret: string): string =>
  `SCIM_API_BASE_URL=https://scim.staging.example.com/acme/scim/v2\nSCIM_AUTH_MODE=oauth2\nSCIM_OAUTH_TOKEN_URL=https://login.staging.example.com/oauth2/token\nSCIM_OAUTH_CLIENT_ID=scimsim\nSCIM_OAUTH_CLIENT_SECRET=${secret}\n`;

async function envFiles(current: string, next: string): Promise<[string, string]> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-rotate-order-'));
  const a = join(dir, 'current.env');
  const b = join(dir, 'next.env');
  await writeFile(a, current);
  await writeFile(b, next);
  return [a, b];
}

async function bearerNext(): Promise<string> {
  const [, next] = await envFiles('', `${await readFile('fixtures/env/baseline.env', 'utf8')}\nSCIM_AUTH_TOKEN=stg-next-2b8e61d04c9f4a7e93d5c1a0f6b2e8d4\n`);
  return next;
}

describe('rotation verdicts check the order of events', () => {
  it('fails a revoke before the switch on a short rehearsal, where a cached access token hides it, and gives the window', async () => {
    const [current, next] = await envFiles(OAUTH('old-secret-1a2b3c'), OAUTH('new-secret-4d5e6f'));
    const args = ['rotate', '--env', current, '--next', next, '--duration', '5m', '--rate', '5', '--revoke-at', '40%'];
    const json = await runScimsim([...args, '--format', 'json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as RotationReport;
    // Nothing refused: the token fetched at 0 s lives an hour, past the switch at 150 s.
    expect(report.authFailures.total).toBe(0);
    expect(report.verdict).toBe('cuts-access');
    expect(report.revokedBeforeSwitch).toEqual({ revokeAtMs: 120_000, switchAtMs: 150_000, cachedWorkedUntilMs: 150_000, firstFailureAtMs: 3_600_000 });
    const table = await runScimsim(args);
    expect(table.code).toBe(2);
    expect(table.stdout).toContain('cached access tokens kept working from 120 s to 150 s; the first request with the current credential fails at 3600 s');
    expect(table.stdout).toMatch(/✖ cuts access: none of 1,500 requests was refused here, but the order of events would refuse them from 3600 s/);
    expect(table.stdout).not.toContain('zero downtime');
  });

  it('still passes a well-ordered OAuth rotation', async () => {
    const [current, next] = await envFiles(OAUTH('old-secret-1a2b3c'), OAUTH('new-secret-4d5e6f'));
    const done = await runScimsim(['rotate', '--env', current, '--next', next, '--duration', '5m', '--rate', '5', '--switch-at', '1m30s', '--revoke-at', '4m', '--format', 'json']);
    expect(done.code).toBe(0);
    expect((JSON.parse(done.stdout) as RotationReport).verdict).toBe('zero-downtime');
  });

  it('calls a rotation that never used the next credential not exercised, exit 2', async () => {
    const done = await runScimsim(['rotate', '--env', 'fixtures/env/baseline.env', '--next', await bearerNext(), '--rate', '0.0000001', '--duration', '1s', '--format', 'json']);
    expect(done.code).toBe(2);
    const report = JSON.parse(done.stdout) as RotationReport;
    expect(report.requests).toBe(1);
    expect(report.sent).toEqual({ current: 1, next: 0 });
    expect(report.verdict).toBe('not-exercised');
    expect(report.findings.map((f) => f.code)).toContain('not-exercised');
  });

  it('refuses moments past the end of the rehearsal', async () => {
    const next = await bearerNext();
    const over = await runScimsim(['rotate', '--env', 'fixtures/env/baseline.env', '--next', next, '--switch-at', '200%']);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('--switch-at 200%: a moment of the rehearsal is from 0% to 100% of --duration');
    const late = await runScimsim(['rotate', '--env', 'fixtures/env/baseline.env', '--next', next, '--duration', '1m', '--revoke-at', '2m']);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('--revoke-at 2m: it is after the end of the rehearsal');
  });
});
