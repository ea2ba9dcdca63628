import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEnvSet } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { loadDefaultProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { rehearseRotation } from '../../src/rotate/rotate.js';
import { runScimsim } from '../helpers/run-cli.js';

const NEXT_TOKEN = 'stg-next-2b8e61d04c9f4a7e93d5c1a0f6b2e8d4';
const CURRENT_TOKEN = 'stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b';

async function nextEnv(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-rotate-'));
  const path = join(dir, 'next.env');
  await writeFile(path, `${await readFile('fixtures/env/baseline.env', 'utf8')}\nSCIM_AUTH_TOKEN=${NEXT_TOKEN}\n`);
  return path;
}

describe('scimsim rotate (bearer token, on the mock)', () => {
  it('a well-ordered rotation has zero downtime and exits 0', async () => {
    const result = await runScimsim(['rotate', '--env', 'fixtures/env/baseline.env', '--next', await nextEnv(), '--duration', '2m', '--rate', '10', '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { verdict: string; requests: number; authFailures: { total: number }; timeline: Array<{ requests: number; credential: string }> };
    expect(report).toMatchObject({ verdict: 'zero-downtime', requests: 1200, authFailures: { total: 0 } });
    expect(report.timeline.reduce((n, b) => n + b.requests, 0)).toBe(1200);
    expect(report.timeline.map((b) => b.credential)).toEqual([...Array<string>(5).fill('current'), ...Array<string>(5).fill('next')]);
  });

  it('flags a next token the target does not accept yet when traffic moves, with exactly the refused window', async () => {
    const result = await runScimsim(['rotate', '--env', 'fixtures/env/baseline.env', '--next', await nextEnv(), '--duration', '100s', '--rate', '10', '--switch-at', '40%', '--next-valid-from', '60%', '--format', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { findings: Array<{ code: string }>; authFailures: { total: number; next: number; current: number; firstAtMs: number; lastAtMs: number } };
    expect(report.findings.map((f) => f.code)).toEqual(['next-not-accepted']);
    // Requests sent from 40 s to 60 s (10 per second) carried a token the target accepts only from 60 s.
    expect(report.authFailures).toMatchObject({ total: 200, next: 200, current: 0, firstAtMs: 40_000 });
    expect(report.authFailures.lastAtMs).toBeLessThan(60_000);
  });

  it('flags an old token revoked before traffic moved, and never prints either token', async () => {
    const result = await runScimsim(['rotate', '--env', 'fixtures/env/baseline.env', '--next', await nextEnv(), '--duration', '100s', '--rate', '10', '--revoke-at', '30%']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('revoked (or expired) too early');
    expect(result.stdout).toMatch(/downtime: 200 of 1,000 requests refused/);
    expect(result.stdout + result.stderr).not.toContain(CURRENT_TOKEN);
    expect(result.stdout + result.stderr).not.toContain(NEXT_TOKEN);
    expect(result.stdout).toContain('fp:');
  });

  it('refuses a --next without new credentials', async () => {
    const result = await runScimsim(['rotate', '--env', 'fixtures/env/baseline.env', '--next', 'fixtures/env/baseline.env']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--next has the same credentials as --env');
  });
});

describe('rotation of an OAuth client secret', () => {
  const oauth = (secret: string) =>
    resolveSettings(
      buildEnvSet(
        [
          {
            label: 'env',
            text: `SCIM_API_BASE_URL=https://scim.staging.example.com/acme/scim/v2\nSCIM_AUTH_MODE=oauth2\nSCIM_OAUTH_TOKEN_URL=https://login.staging.example.com/oauth2/token\nSCIM_OAUTH_CLIENT_ID=scimsim\nSCIM_OAUTH_CLIENT_SECRET=${secret}\n`,
          },
        ],
        {},
      ),
    );

  it('keeps working on an access token issued before the old secret was revoked, and flags a next secret not yet registered', async () => {
    const profile = resolveProfile({ ...(await loadDefaultProfile()), credentials: { accessTokenTtlSeconds: 600 } });
    const early = await rehearseRotation({
      current: oauth('old-secret-1a2b3c'),
      next: oauth('new-secret-4d5e6f'),
      target: 'mock',
      rate: 5,
      durationMs: 120_000,
      switchAtMs: 90_000,
      world: { profile, nextValidFromMs: 0, revokeAtMs: 30_000 },
      dialect: 'rfc',
      seed: 1,
    });
    // Revoked at 30 s, but the access token fetched at 0 s lives ten minutes: nothing fails here,
    // and still the order cuts access: the cached token hid it until the switch at 90 s.
    expect(early.authFailures.total).toBe(0);
    expect(early.verdict).toBe('cuts-access');
    expect(early.revokedBeforeSwitch).toEqual({ revokeAtMs: 30_000, switchAtMs: 90_000, cachedWorkedUntilMs: 90_000, firstFailureAtMs: 600_000 });
    expect(early.findings.map((f) => f.code)).toEqual(['revoked-before-switch']);
    expect(early.credentials.kind).toBe('OAuth client secret');
    const late = await rehearseRotation({
      current: oauth('old-secret-1a2b3c'),
      next: oauth('new-secret-4d5e6f'),
      target: 'mock',
      rate: 5,
      durationMs: 120_000,
      switchAtMs: 60_000,
      world: { profile, nextValidFromMs: 90_000, revokeAtMs: undefined },
      dialect: 'rfc',
      seed: 1,
    });
    expect(late.findings.map((f) => f.code)).toEqual(['next-not-accepted']);
    expect(late.authFailures.next).toBe(150);
    expect(JSON.stringify(late)).not.toContain('new-secret-4d5e6f');
  });
});
