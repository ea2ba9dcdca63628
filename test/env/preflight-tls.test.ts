import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runPreflight, type PreflightReport, type PreflightStep, type StepId } from '../../src/env/preflight/index.js';
import { scimSettings } from '../helpers/scim-settings.js';
import { startScimStub, type StubServer } from '../helpers/scim-stub-server.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8');
const CERT = fixture('localhost.cert.pem');
const KEY = fixture('localhost.key.pem');

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

function step(report: PreflightReport, id: StepId): PreflightStep {
  const found = report.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
}

describe('runPreflight over TLS', () => {
  it('names a self-signed certificate and points at NODE_EXTRA_CA_CERTS', async () => {
    stub = await startScimStub({ token: 'good-token', tls: { key: KEY, cert: CERT } });
    const report = await runPreflight(scimSettings(stub.baseUrl));
    const connect = step(report, 'connect');
    expect(connect.status).toBe('fail');
    expect(connect.detail).toContain('certificate is self-signed');
    expect(connect.hint).toContain('NODE_EXTRA_CA_CERTS');
    expect(step(report, 'service-provider-config').status).toBe('skip');
    expect(stub.requests).toEqual([]);
  });

  it('passes every step when the certificate is trusted through options.ca', async () => {
    stub = await startScimStub({ token: 'good-token', tls: { key: KEY, cert: CERT } });
    const report = await runPreflight(scimSettings(stub.baseUrl), { ca: CERT });
    expect(step(report, 'connect').detail).toContain('CN=localhost');
    expect(report.steps.filter((s) => s.status !== 'pass' && s.status !== 'skip')).toEqual([]);
    expect(step(report, 'service-provider-config').status).toBe('pass');
    expect(step(report, 'auth-probe').status).toBe('pass');
    expect(report.ok).toBe(true);
  });

  it('verifies the certificate against the hostname the base URL names', async () => {
    stub = await startScimStub({ token: 'good-token', tls: { key: KEY, cert: CERT } });
    const report = await runPreflight(scimSettings(stub.baseUrl.replace('127.0.0.1', 'localhost')), { ca: CERT });
    expect(step(report, 'dns').detail).toContain('no lookup needed');
    expect(step(report, 'connect').status).toBe('pass');
  });
});
