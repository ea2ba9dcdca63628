import { describe, expect, it } from 'vitest';
import { buildEnvSet } from '../../src/env/load.js';
import { validateEnvSet } from '../../src/env/validate.js';

const BASE = 'SCIM_API_BASE_URL=https://scim.example.com/scim/v2\nSCIM_AUTH_TOKEN=stg-0123456789abcdef\n';
const validate = (text: string) => validateEnvSet(buildEnvSet([{ label: 't.env', text }], {}));
const codes = (text: string) => validate(text).problems.map((p) => `${p.severity}:${p.code}:${p.variable ?? ''}:${p.location?.line ?? ''}`);

describe('validateEnvSet', () => {
  it('accepts a minimal bearer env set and fills in the defaults', () => {
    expect(validate(BASE)).toEqual({ valid: true, problems: [] });
  });

  it('suggests the catalog name for a typo and treats it as an error', () => {
    const result = validate(`${BASE}SCIM_PAGESIZE=100\n`);
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toMatchObject({ code: 'unknown-variable', hint: 'did you mean SCIM_PAGE_SIZE?', location: { line: 3 } });
  });

  it('only warns about SCIM_ names far from any catalog name', () => {
    expect(codes(`${BASE}SCIM_MY_OWN_FEATURE_FLAG=1\n`)).toEqual(['warning:unknown-variable:SCIM_MY_OWN_FEATURE_FLAG:3']);
  });

  it('requires the oauth2 trio when the mode is oauth2', () => {
    expect(codes('SCIM_API_BASE_URL=https://scim.example.com/scim/v2\nSCIM_AUTH_MODE=oauth2\n')).toEqual([
      'error:missing-required:SCIM_OAUTH_TOKEN_URL:',
      'error:missing-required:SCIM_OAUTH_CLIENT_ID:',
      'error:missing-required:SCIM_OAUTH_CLIENT_SECRET:',
    ]);
  });

  it('needs SCIM_TENANT_ID when the base URL references it', () => {
    const result = validate('SCIM_API_BASE_URL=https://scim.example.com/${SCIM_TENANT_ID}/scim/v2\nSCIM_AUTH_TOKEN=stg-0123456789abcdef\n');
    expect(result.problems).toEqual([expect.objectContaining({ code: 'unresolved-reference', variable: 'SCIM_API_BASE_URL', location: { file: 't.env', line: 1 } })]);
  });

  it('refuses plain http to a non-loopback host but allows loopback', () => {
    expect(codes('SCIM_API_BASE_URL=http://scim.example.com/scim/v2\nSCIM_AUTH_TOKEN=stg-0123456789abcdef\n')).toEqual(['error:url-plain-http:SCIM_API_BASE_URL:1']);
    expect(codes('SCIM_API_BASE_URL=http://127.0.0.1:8080/scim/v2\nSCIM_AUTH_TOKEN=stg-0123456789abcdef\n')).toEqual([]);
  });

  it.each([
    ['SCIM_AUTH_TOKEN=" stg-0123456789abcdef"', 'secret-whitespace'],
    ['SCIM_AUTH_TOKEN="\'stg-0123456789abcdef\'"', 'secret-quoted'],
    ['SCIM_AUTH_TOKEN=Bearer stg-0123456789abcdef', 'secret-bearer-prefix'],
    ['SCIM_AUTH_TOKEN=changeme', 'secret-placeholder'],
    ['SCIM_AUTH_TOKEN=<your-token>', 'secret-placeholder'],
    ['SCIM_AUTH_TOKEN=your_token_here', 'secret-placeholder'],
  ])('flags a token written as %s', (line, code) => {
    const result = validate(`SCIM_API_BASE_URL=https://scim.example.com/scim/v2\n${line}\n`);
    expect(result.problems.map((p) => p.code)).toContain(code);
    expect(JSON.stringify(result.problems)).not.toContain('0123456789abcdef');
  });

  it.each([
    ['SCIM_PAGE_SIZE=0', 'out-of-range'],
    ['SCIM_PAGE_SIZE=1001', 'out-of-range'],
    ['SCIM_PAGE_SIZE=1.5', 'not-an-integer'],
    ['SCIM_RATE_LIMIT_RPS=fast', 'not-a-number'],
    ['SCIM_UPDATE_METHOD=Patch', 'unknown-value'],
    ['SCIM_USERNAME_DOMAIN=not a host', 'hostname-invalid'],
    ['SCIM_API_BASE_URL=scim.example.com/scim/v2', 'url-malformed'],
    ['SCIM_API_BASE_URL=ftp://scim.example.com/scim/v2', 'url-scheme'],
    ['SCIM_API_BASE_URL=https://user:pw@scim.example.com/scim/v2', 'url-credentials'],
    ['SCIM_API_BASE_URL=https://scim.example.com/scim/v2?tenant=a', 'url-query'],
  ])('rejects %s', (line, code) => {
    expect(validate(`${BASE}${line}\n`).problems.map((p) => p.code)).toContain(code);
  });

  it('says enum values are case-sensitive when only the case is wrong', () => {
    const problem = validate(`${BASE}SCIM_DEACTIVATION_MODE=Delete\n`).problems[0];
    expect(problem?.hint).toBe('values are case-sensitive: write delete');
  });

  it('rejects a retry budget that lets one operation run for longer than 15 minutes', () => {
    expect(codes(`${BASE}SCIM_TIMEOUT_MS=120000\nSCIM_MAX_RETRIES=10\n`)).toEqual(['error:retry-budget:SCIM_MAX_RETRIES:4']);
    expect(codes(`${BASE}SCIM_TIMEOUT_MS=30000\nSCIM_MAX_RETRIES=5\n`)).toEqual([]);
  });

  it('warns that no retries turn transient failures into blocked accounts', () => {
    expect(codes(`${BASE}SCIM_MAX_RETRIES=0\n`)).toEqual(['warning:no-retries:SCIM_MAX_RETRIES:3']);
  });

  it('warns about credentials the auth mode ignores', () => {
    expect(codes(`${BASE}SCIM_OAUTH_SCOPE=scim\n`)).toEqual(['warning:ignored-by-auth-mode:SCIM_OAUTH_SCOPE:3']);
  });

  it('warns when an optional value is empty and the default applies', () => {
    expect(codes(`${BASE}SCIM_PAGE_SIZE=\n`)).toEqual(['warning:empty-value:SCIM_PAGE_SIZE:3']);
  });

  it('orders problems by layering order, then by line', () => {
    const set = buildEnvSet(
      [
        { label: 'z-first.env', text: 'SCIM_API_BASE_URL=https://scim.example.com/scim/v2\nSCIM_PAGE_SIZE=0\n' },
        { label: 'a-second.env', text: 'SCIM_AUTH_TOKEN=changeme\n' },
      ],
      {},
    );
    expect(validateEnvSet(set).problems.map((p) => p.location?.file)).toEqual(['z-first.env', 'a-second.env']);
  });
});
