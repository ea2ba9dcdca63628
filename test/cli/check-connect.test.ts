import { afterEach, describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';
import { startScimStub, type StubServer } from '../helpers/scim-stub-server.js';

const TOKEN = 'stg-connect-token-8c1d2e3f4a';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const connect = (baseUrl: string, token: string, ...more: string[]) =>
  runScimsim(['check', '--env', 'fixtures/env/baseline.env', '--set', `SCIM_API_BASE_URL=${baseUrl}`, '--set', `SCIM_AUTH_TOKEN=${token}`, '--set', 'SCIM_TENANT_ID=', '--connect', ...more]);

describe('scimsim check --connect', () => {
  it('prints one line per preflight step and exits 0 against a healthy loopback server', async () => {
    stub = await startScimStub({ token: TOKEN });
    const result = await connect(stub.baseUrl, TOKEN);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Preflight ${stub.baseUrl}`);
    expect(result.stdout).toMatch(/✔ Resolve host\s+.+ \d+ ms/);
    expect(result.stdout).toMatch(/✔ Authenticated probe/);
    expect(result.stdout).toMatch(/- OAuth token\s+bearer token mode/);
    expect(result.stdout).toMatch(/✔ valid: 0 errors, \d+ warnings?, 0 failed preflight steps/);
    expect(result.stderr).toContain('Preflight: connecting to the target (read-only)');
    expect(stub.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('exits 2 with a hint when the target rejects the token, and never prints it', async () => {
    stub = await startScimStub({ token: TOKEN });
    const result = await connect(stub.baseUrl, 'stg-wrong-token-7a6b5c4d', '--format', 'json');
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { valid: boolean; preflight: { steps: Array<{ id: string; status: string; hint?: string }> } };
    expect(report.valid).toBe(false);
    const probe = report.preflight.steps.find((s) => s.id === 'auth-probe');
    expect(probe?.status).toBe('fail');
    expect(probe?.hint).toMatch(/SCIM_AUTH_TOKEN/);
    expect(result.stdout + result.stderr).not.toContain('stg-wrong-token-7a6b5c4d');
  });

  it('does not connect when the env set is invalid', async () => {
    stub = await startScimStub({ token: TOKEN });
    const result = await runScimsim(['check', '--env', 'fixtures/env/problems.env', '--connect']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Preflight skipped: fix the errors below first.');
    expect(stub.requests).toEqual([]);
  });
});
