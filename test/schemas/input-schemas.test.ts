import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { OPERATION_KINDS } from '../../src/mock/profile/types.js';
import { CITABLE, PROFILE_KEYS, QUIRK_NAMES } from '../../src/mock/profile/validate-profile.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { ONLY_FOR, OPTION_KEYS, STEP_KINDS } from '../../src/scenario/parse-step.js';
import { MAX_GROUPS, POPULATIONS, UPDATABLE_ATTRIBUTES } from '../../src/scenario/step-values.js';
import { ROOT_KEYS } from '../../src/scenario/validate-scenario.js';

interface Node {
  properties?: Record<string, Node>;
  propertyNames?: { enum: string[] };
  items?: Node;
  oneOf?: Node[];
  enum?: string[];
  maximum?: number;
  $ref?: string;
  $defs?: Record<string, Node>;
}

const read = async (name: string): Promise<Node & Record<string, unknown>> => JSON.parse(await readFile(new URL(`../../schemas/${name}.json`, import.meta.url), 'utf8')) as Node & Record<string, unknown>;
const keysOf = (node: Node | undefined): string[] => Object.keys(node?.properties ?? {}).sort();
const sorted = (list: readonly string[]): string[] => [...list].sort();

const PROFILE = await read('server-profile');
const SCENARIO = await read('scenario');
// Strict, but for two rules the schemas break on purpose: `steps` is a create step followed by any
// steps (an open tuple), and `not: { required: [share, count] }` names properties declared beside it.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTuples: false, strictRequired: false });
const validProfile = ajv.compile(PROFILE);
const validScenario = ajv.compile(SCENARIO);

/** Paths of properties without a description, anywhere in a schema (nested, in items, oneOf and $defs). */
function undescribed(schema: Node): string[] {
  const missing: string[] = [];
  const walk = (node: Node, path: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (typeof (child as Record<string, unknown>).description !== 'string' && child.$ref === undefined) missing.push(`${path}${key}`);
      walk(child, `${path}${key}.`);
    }
    if (node.items) walk(node.items, `${path}[].`);
    for (const option of node.oneOf ?? []) walk(option, path);
    for (const [name, def] of Object.entries(node.$defs ?? {})) walk(def, `$defs.${name}.`);
  };
  walk(schema, '');
  return missing;
}

const shipped = async (folder: string, ext: string): Promise<string[]> => (await readdir(folder)).filter((f) => f.endsWith(ext)).map((f) => join(folder, f)).sort();

describe('schemas/server-profile.json', () => {
  it('declares exactly the keys the loader accepts, so the two cannot drift', () => {
    expect(keysOf(PROFILE)).toEqual(sorted(PROFILE_KEYS.profile));
    for (const section of ['credentials', 'limits', 'capabilities', 'faults'] as const) expect(keysOf(PROFILE.properties?.[section]), section).toEqual(sorted(PROFILE_KEYS[section]));
    expect(keysOf(PROFILE.properties?.quirks)).toEqual(sorted(QUIRK_NAMES));
    expect(keysOf(PROFILE.properties?.limits?.properties?.latency)).toEqual(sorted([...OPERATION_KINDS, 'default']));
    expect(sorted(PROFILE.properties?.sources?.propertyNames?.enum ?? [])).toEqual(sorted(CITABLE));
  });

  it('describes every property, for an editor to show', () => {
    expect(undescribed(PROFILE)).toEqual([]);
  });

  it('accepts every shipped profile, each naming the schema', async () => {
    const files = await shipped('fixtures/servers', '.json');
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(validProfile(json), `${file}: ${ajv.errorsText(validProfile.errors)}`).toBe(true);
      expect(json.$schema).toBe('../../schemas/server-profile.json');
      await expect(loadProfile(file, process.cwd())).resolves.toMatchObject({ name: json.name });
    }
  });

  it('rejects what the loader rejects', async () => {
    const base = { name: 'x', description: 'a world' };
    const broken: Array<[string, Record<string, unknown>]> = [
      ['unknown quirk', { ...base, quirks: { patchNoContnet: true } }],
      ['quirk not a boolean', { ...base, quirks: { ignoreCount: 'yes' } }],
      ['unknown top-level key', { ...base, limit: {} }],
      ['no name', { description: 'a world' }],
      ['empty description', { name: 'x', description: ' ' }],
      ['bad overMaxResults', { ...base, limits: { overMaxResults: 'clip' } }],
      ['rate above 1', { ...base, faults: { serverErrorRate: 2 } }],
      ['unknown operation', { ...base, limits: { latency: { fetch: { p50: 1, p99: 2 } } } }],
      ['bulk true', { ...base, capabilities: { bulk: true } }],
      ['domain with @', { ...base, capabilities: { allowedUserNameDomains: ['@example.com'] } }],
      ['citation of nothing', { ...base, sources: { notAField: 'x' } }],
      ['population without count', { ...base, population: { matchedBy: 'userName' } }],
    ];
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-profile-schema-'));
    for (const [why, doc] of broken) {
      expect(validProfile(doc), why).toBe(false);
      const file = join(dir, 'p.json');
      await writeFile(file, JSON.stringify(doc, null, 2));
      await expect(loadProfile(file, dir), why).rejects.toThrow();
    }
  });
});

describe('schemas/scenario.json', () => {
  const step = (kind: string): Node => SCENARIO.$defs?.[kind] as Node;
  const optionsOf = (kind: string): Node | undefined => step(kind).oneOf?.find((o) => o.properties !== undefined);

  it('declares exactly the step kinds, options, populations and attributes the parser accepts', () => {
    expect(keysOf(SCENARIO)).toEqual(sorted(ROOT_KEYS));
    expect(keysOf(SCENARIO.$defs?.step)).toEqual(sorted(STEP_KINDS));
    for (const kind of STEP_KINDS) {
      const own = OPTION_KEYS.filter((k) => ONLY_FOR[k] === undefined || ONLY_FOR[k] === kind);
      expect(keysOf(optionsOf(kind)), kind).toEqual(sorted(own));
    }
    expect(sorted(optionsOf('update')?.properties?.of?.enum ?? [])).toEqual(sorted(POPULATIONS));
    expect(sorted(optionsOf('update')?.properties?.attributes?.items?.enum ?? [])).toEqual(sorted(UPDATABLE_ATTRIBUTES));
    expect(optionsOf('group')?.properties?.groups?.maximum).toBe(MAX_GROUPS);
  });

  it('describes every property and step kind, for an editor to show', () => {
    expect(undescribed(SCENARIO)).toEqual([]);
    for (const kind of STEP_KINDS) expect(typeof (step(kind) as Record<string, unknown>).description, kind).toBe('string');
  });

  it('accepts every shipped scenario, each naming the schema for the YAML language server', async () => {
    const files = await shipped('scenarios', '.yaml');
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=../schemas/scenario.json\n'), file).toBe(true);
      expect(validScenario(parse(text)), `${file}: ${ajv.errorsText(validScenario.errors)}`).toBe(true);
      await expect(loadScenario(file, process.cwd())).resolves.toMatchObject({ file });
    }
  });

  it('rejects what the parser rejects, and the loader ignores a $schema key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-scenario-schema-'));
    const broken: Array<[string, string]> = [
      ['unknown kind', 'steps:\n  - create: all\n  - deactivat: 10%\n'],
      ['first step not a create', 'steps:\n  - update: 30%\n'],
      ['share and count', 'steps:\n  - create: all\n  - delete: { share: 10%, count: 5 }\n'],
      ['option of another kind', 'steps:\n  - create: all\n  - update: { share: 10%, groups: 3 }\n'],
      ['rename without domain or caseOnly', 'steps:\n  - create: all\n  - rename: { share: 10% }\n'],
      ['unknown population', 'steps:\n  - create: all\n  - deactivate: { share: 10%, of: retired }\n'],
      ['unknown attribute', 'steps:\n  - create: all\n  - update: { attributes: [salary] }\n'],
      ['too many groups', 'steps:\n  - create: all\n  - group: { groups: 99 }\n'],
      ['two keys in a step', 'steps:\n  - create: all\n    deactivate: 10%\n'],
      ['no steps', 'steps: []\n'],
      ['share over 100%', 'steps:\n  - create: all\n  - deactivate: 150%\n'],
    ];
    for (const [why, body] of broken) {
      const text = `name: broken\ndescription: a broken scenario\n${body}`;
      expect(validScenario(parse(text)), why).toBe(false);
      const file = join(dir, 's.yaml');
      await writeFile(file, text);
      await expect(loadScenario(file, dir), why).rejects.toThrow();
    }
    const file = join(dir, 'with-schema.yaml');
    await writeFile(file, '$schema: ../schemas/scenario.json\nname: ok\ndescription: fine\nsteps:\n  - create: all\n');
    await expect(loadScenario(file, dir)).resolves.toMatchObject({ name: 'ok' });
  });
});
