import { describe, expect, it } from 'vitest';
import { isSecretName } from '../../src/env/catalog.js';
import { fingerprint } from '../../src/env/fingerprint.js';
import { buildEnvSet } from '../../src/env/load.js';
import { Redactor, displayValue, maskCredentialShapes } from '../../src/env/redact.js';

const SECRET = 'tok/Ab+12=x&y z';

describe('the redactor', () => {
  it('replaces a secret in every encoding by its fingerprint', () => {
    const redactor = new Redactor();
    redactor.addSecret(SECRET);
    const b64 = Buffer.from(SECRET).toString('base64');
    for (const form of [SECRET, encodeURIComponent(SECRET), encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), new URLSearchParams({ a: SECRET }).toString().slice(2), b64, b64.replace(/=+$/, ''), Buffer.from(SECRET).toString('base64url'), JSON.stringify(SECRET).slice(1, -1)]) {
      const out = redactor.scrub(`before ${form} after`);
      expect(out, form).toBe(`before ${fingerprint(SECRET)} after`);
    }
  });

  it('learns the Basic credentials and every secret of an env set, values holding a secret included', () => {
    const set = buildEnvSet(
      [{ label: 'a.env', text: 'SCIM_OAUTH_CLIENT_ID=client one\nSCIM_OAUTH_CLIENT_SECRET=cs-778899aabb\nSCIM_AUTH_TOKEN=tk-1234567890\nSCIM_TENANT_ID=${SCIM_AUTH_TOKEN}-t\nSCIM_API_BASE_URL=https://u:pw-userinfo-1@h.example.com/scim\n' }],
      {},
    );
    const redactor = new Redactor();
    redactor.addEnvSet(set);
    const basic = Buffer.from(`${encodeURIComponent('client one')}:cs-778899aabb`).toString('base64');
    const text = redactor.scrub(`Basic ${basic} | ${set.values.get('SCIM_TENANT_ID')?.value ?? ''} | pw-userinfo-1`);
    for (const leaked of ['cs-778899aabb', basic, 'tk-1234567890', 'pw-userinfo-1']) expect(text).not.toContain(leaked);
  });

  it('masks credentials by shape: Authorization values, JWTs, URL passwords, secret query parameters', () => {
    expect(maskCredentialShapes('got Bearer abc$%^def-ghi, ok')).toBe('got Bearer ***, ok');
    expect(maskCredentialShapes('Bearer realm="x", error="invalid_token"')).toBe('Bearer realm="x", error="invalid_token"');
    expect(maskCredentialShapes('use basic authentication, or SCIM_AUTH_MODE=bearer\nSCIM_AUTH_TOKEN=')).toBe('use basic authentication, or SCIM_AUTH_MODE=bearer\nSCIM_AUTH_TOKEN=');
    expect(maskCredentialShapes('t=eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln')).toBe('t=***');
    expect(maskCredentialShapes('https://ops:hunter2@h.example.com/x')).toBe('https://ops:***@h.example.com/x');
    expect(maskCredentialShapes('https://h/x?access_token=abc&page=2&sig=zz&client_secret=q#f')).toBe('https://h/x?access_token=***&page=2&sig=***&client_secret=***#f');
  });

  it('shows URL values with their secrets masked', () => {
    expect(displayValue('SCIM_API_BASE_URL', 'https://u:p4ss@h.example.com/scim?token=abc')).toBe('https://u:***@h.example.com/scim?token=***');
  });
});

describe('secret names', () => {
  it.each(['SCIM_PASS', 'SCIM_PW', 'SCIM_PWD', 'SCIM_AUTH', 'SCIM_AUTHORIZATION', 'SCIM_ACCESS_KEY', 'SCIM_SIGNING_KEY', 'SCIM_JWT', 'SCIM_SESSION', 'SCIM_COOKIE', 'SCIM_CREDENTIALS', 'SCIM_APIKEY', 'SCIM_AUTH_TOKN', 'OKTA_API_TOKEN'])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['SCIM_OAUTH_TOKEN_URL', 'SCIM_REFRESH_TOKEN_ENDPOINT', 'SCIM_TENANT_ID', 'SCIM_AUTH_MODE', 'SCIM_PAGE_SIZE', 'SCIM_AUTHOR', 'SCIM_OAUTH_CLIENT_ID'])('%s is not secret', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});
