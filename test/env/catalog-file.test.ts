import { describe, expect, it } from 'vitest';
import { parseCatalogFile } from '../../src/env/catalog-file.js';

describe('parseCatalogFile', () => {
  it('reads a switch as a boolean that is on by default, and an alias as an alias line', () => {
    const text = ['variables:', '  - name: SYNC_GROUPS', '    description: groups', '    usage: { switch: group }', '  - name: OUR_PAGE', '    description: page size', '    usage: { alias: SCIM_PAGE_SIZE }', ''].join('\n');
    const result = parseCatalogFile(text, 'c.yaml');
    expect(result).toMatchObject({
      ok: true,
      catalog: {
        variables: [{ name: 'SYNC_GROUPS', type: { kind: 'boolean' }, default: 'true', secret: false, switches: 'group', declaredAt: { file: 'c.yaml', line: 2 } }],
        aliases: [{ text: 'OUR_PAGE=SCIM_PAGE_SIZE', location: { file: 'c.yaml', line: 5 } }],
      },
    });
  });

  it('refuses an alias that gives its own type, an alias of an unknown name, a switch of no stage and a missing type, once each', () => {
    const text = [
      'variables:',
      '  - { name: A, type: integer, description: a, usage: { alias: SCIM_PAGE_SIZE } }',
      '  - { name: B, description: b, usage: { alias: SCIM_PAGE_SIZ } }',
      '  - { name: C, description: c, usage: { switch: payroll } }',
      '  - { name: D, description: d, usage: none }',
    ].join('\n');
    const result = parseCatalogFile(text, 'c.yaml');
    expect(result).toEqual({
      ok: false,
      problems: [
        'c.yaml:2: A: an alias takes its type from the variable it names',
        'c.yaml:3: B: alias "SCIM_PAGE_SIZ" is not a built-in variable (see scimsim vars)',
        'c.yaml:4: C: switch "payroll" is not a stage: one of create, update, deactivate, reactivate, delete, group',
        'c.yaml:5: D: type is missing: one of string, url, hostname, secret, boolean, integer, number, enum',
      ],
    });
  });

  it('needs a top-level variables list, and says where YAML itself is broken', () => {
    expect(parseCatalogFile('- name: A\n', 'c.yaml')).toEqual({ ok: false, problems: ['c.yaml:1: expected a top-level `variables:` list'] });
    const broken = parseCatalogFile('variables:\n  - { name: A\n', 'c.yaml');
    expect(broken.ok).toBe(false);
    expect(broken.ok ? [] : broken.problems[0]).toMatch(/^c\.yaml:\d+: /);
  });
});
