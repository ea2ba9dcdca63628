import { describe, expect, it } from 'vitest';
import { diffEnvSets } from '../../src/env/diff.js';
import { fingerprint } from '../../src/env/fingerprint.js';
import { buildEnvSet } from '../../src/env/load.js';

const set = (text: string) => buildEnvSet([{ label: 'x.env', text }], {});

describe('diffEnvSets', () => {
  it('classifies added, changed and removed variables in catalog order', () => {
    const diff = diffEnvSets(set('SCIM_PAGE_SIZE=100\nSCIM_OAUTH_SCOPE=a\n'), set('SCIM_PAGE_SIZE=500\nSCIM_TENANT_ID=t\n'));
    expect(diff.changes.map((c) => [c.action, c.variable, c.before, c.after])).toEqual([
      ['create', 'SCIM_TENANT_ID', undefined, 't'],
      ['delete', 'SCIM_OAUTH_SCOPE', 'a', undefined],
      ['update', 'SCIM_PAGE_SIZE', '100', '500'],
    ]);
    expect(diff.summary).toEqual({ create: 1, update: 1, delete: 1 });
  });

  it('shows secrets only as fingerprints that differ when the values differ', () => {
    const diff = diffEnvSets(set('SCIM_AUTH_TOKEN=old-secret-value\n'), set('SCIM_AUTH_TOKEN=new-secret-value\n'));
    expect(diff.changes[0]).toMatchObject({ secret: true, before: fingerprint('old-secret-value'), after: fingerprint('new-secret-value') });
    expect(JSON.stringify(diff)).not.toMatch(/(old|new)-secret-value/);
  });

  it('compares effective values, so an unchanged expanded URL is no change', () => {
    const diff = diffEnvSets(
      set('SCIM_TENANT_ID=t\nSCIM_API_BASE_URL=https://x.example.com/t/scim/v2\n'),
      set('SCIM_TENANT_ID=t\nSCIM_API_BASE_URL=https://x.example.com/${SCIM_TENANT_ID}/scim/v2\n'),
    );
    expect(diff.changes).toEqual([]);
  });

  it('notes a change that only spells out the default', () => {
    const diff = diffEnvSets(set('SCIM_TENANT_ID=t\n'), set('SCIM_TENANT_ID=t\nSCIM_PAGE_SIZE=100\n'));
    expect(diff.changes[0]).toMatchObject({ action: 'create', noEffect: 'the effective value stays the default 100' });
  });

  it('carries the catalog risk note and coupling unit', () => {
    const diff = diffEnvSets(set('SCIM_OAUTH_CLIENT_ID=a\n'), set('SCIM_OAUTH_CLIENT_ID=b\n'));
    expect(diff.changes[0]).toMatchObject({ unit: 'auth', risk: expect.stringContaining('invalid_client') });
  });
});
