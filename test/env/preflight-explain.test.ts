import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/env/fingerprint.js';
import { readAdvertised } from '../../src/env/preflight/advertised.js';
import { explainNetworkError, type NetTarget } from '../../src/env/preflight/net-errors.js';
import { echoServerText, ECHO_LIMIT } from '../../src/env/preflight/server-text.js';

const target: NetTarget = { host: 'scim.example.com', port: 443, variable: 'SCIM_API_BASE_URL', timeoutMs: 300 };
const withCode = (code: string): Error => Object.assign(new Error(`failed: ${code}`), { code });

describe('explainNetworkError', () => {
  it.each([
    ['CERT_HAS_EXPIRED', 'certificate has expired', 'renew'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'certificate is self-signed', 'NODE_EXTRA_CA_CERTS'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'untrusted self-signed root', 'NODE_EXTRA_CA_CERTS'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'intermediate certificates', 'full chain'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'issuer is not trusted', 'NODE_EXTRA_CA_CERTS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'not issued for scim.example.com', 'subjectAltName'],
  ])('names the certificate problem %s', (code, detail, hint) => {
    const explained = explainNetworkError(withCode(code), target);
    expect(explained.detail).toContain(detail);
    expect(explained.detail).toContain(code);
    expect(explained.hint).toContain(hint);
  });

  it('finds the code of a refused connection inside an AggregateError from happy eyeballs', () => {
    const error = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed');
    expect(explainNetworkError(error, target).hint).toContain('port 443');
  });

  it('finds the code of an error undici wraps in cause', () => {
    const error = new TypeError('fetch failed', { cause: withCode('ENOTFOUND') });
    expect(explainNetworkError(error, target)).toMatchObject({ detail: 'scim.example.com does not resolve (ENOTFOUND)', hint: expect.stringContaining('SCIM_API_BASE_URL') });
  });

  it('reports undici timeouts as timeouts that name SCIM_TIMEOUT_MS', () => {
    const explained = explainNetworkError(withCode('UND_ERR_HEADERS_TIMEOUT'), target);
    expect(explained.detail).toContain('timed out after 300 ms');
    expect(explained.hint).toContain('SCIM_TIMEOUT_MS=300');
  });
});

describe('readAdvertised', () => {
  it('accepts string booleans and a numeric string maxResults', () => {
    const config = { patch: { supported: 'True' }, bulk: { supported: 'false' }, filter: { supported: true, maxResults: '50' } };
    expect(readAdvertised(config)).toEqual({ patch: true, bulk: false, filterMaxResults: 50 });
  });

  it('leaves out what the server does not advertise', () => {
    expect(readAdvertised({ patch: {}, filter: { maxResults: 0 } })).toEqual({});
  });
});

describe('echoServerText', () => {
  it('scrubs secrets before cutting, so no part of a secret survives', () => {
    const secret = 'sk-live-0123456789abcdef';
    const text = `${'x'.repeat(ECHO_LIMIT - 10)} ${secret}`;
    const echoed = echoServerText(text, [secret]);
    expect(echoed.length).toBeLessThanOrEqual(ECHO_LIMIT);
    expect(echoed).not.toContain('sk-live');
    expect(echoServerText(`bad token ${secret}`, [secret])).toBe(`bad token ${fingerprint(secret)}`);
  });
});
