import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/user-error.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../src/scenario/load-scenario.js';
import type { StepKind } from '../../src/scenario/types.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const shipped = (await readdir(join(ROOT, 'scenarios'))).filter((f) => f.endsWith('.yaml')).sort();
const ALL_KINDS: StepKind[] = ['create', 'update', 'rename', 'deactivate', 'reactivate', 'delete', 'group', 'reconcile'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsim-scenario-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a temp file and returns the UserError that loading it throws. */
async function loadError(name: string, text: string): Promise<UserError> {
  await writeFile(join(dir, name), text);
  const error: unknown = await loadScenario(name, dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof UserError)) throw new Error(`expected a UserError loading ${name}, got ${String(error)}`);
  return error;
}

const scenario = (steps: string): string => `name: broken\ndescription: A scenario with a mistake.\nsteps:\n${steps}`;

describe('shipped scenarios', () => {
  it.each(shipped)('%s loads, is named after its file and explains itself', async (file) => {
    const loaded = await loadScenario(join('scenarios', file), ROOT);
    expect(loaded.name).toBe(basename(file, '.yaml'));
    expect(loaded.description.length).toBeGreaterThan(120);
    expect(loaded.steps[0]?.kind).toBe('create');
  });

  it('ships the lifecycle, mass-rename, reorg and leaver-wave scenarios', () => {
    expect(shipped).toEqual(['leaver-wave.yaml', 'lifecycle.yaml', 'mass-rename.yaml', 'reorg.yaml']);
  });

  it('covers every step kind in the default lifecycle and fills in names and populations', async () => {
    const lifecycle = await loadScenario(DEFAULT_SCENARIO_PATH, '/');
    expect(new Set(lifecycle.steps.map((s) => s.kind))).toEqual(new Set(ALL_KINDS));
    expect(lifecycle.file).toBe(DEFAULT_SCENARIO_PATH);
    const [create, update, rename, , reactivate, remove, group] = lifecycle.steps;
    expect(create).toEqual({ kind: 'create', line: expect.any(Number), name: 'create', selector: { of: 'all' } });
    expect(update?.selector).toEqual({ of: 'active', share: 0.3 });
    expect(update?.attributes).toEqual(['title', 'department', 'manager', 'email', 'name']);
    expect(rename?.rename).toEqual({ caseOnly: true });
    expect([reactivate?.name, reactivate?.selector.of]).toEqual(['rehires', 'inactive']);
    expect(remove?.selector).toEqual({ of: 'inactive', count: 10 });
    expect(group?.groups).toEqual({ count: 5, remove: 0.25 });
  });

  it('records the 1-based line of each step', async () => {
    await writeFile(join(dir, 'lines.yaml'), scenario('  - create: all\n\n  - deactivate: 10%\n'));
    const loaded = await loadScenario('lines.yaml', dir);
    expect(loaded.steps.map((s) => s.line)).toEqual([4, 6]);
  });

  it('reads the short forms and fills defaults per kind', async () => {
    await writeFile(join(dir, 'short.yaml'), scenario('  - create: 500\n  - update: 25%\n  - delete: all\n  - group: 40%\n  - rename: { domain: newco.example }\n'));
    const steps = (await loadScenario('short.yaml', dir)).steps;
    expect(steps.map((s) => s.selector)).toEqual([{ of: 'all', count: 500 }, { of: 'active', share: 0.25 }, { of: 'existing' }, { of: 'active', share: 0.4 }, { of: 'active' }]);
    expect(steps[3]?.groups).toEqual({ count: 5 });
    expect(steps[4]?.rename).toEqual({ domain: 'newco.example' });
  });
});

describe('malformed scenarios', () => {
  it('reports every problem at once, each with file:line and a hint', async () => {
    const text = [
      'name: broken',
      'descripton: typo',
      'steps:',
      '  - create: all',
      '  - updte: 30%',
      '  - update: { share: 150%, atributes: [title] }',
      '  - deactivate: { share: 10%, count: 5 }',
      '  - delete: { count: -1, of: inactve }',
      '  - rename: { share: 2% }',
      '  - rename: { domain: "@newco.example" }',
      '  - group: { groups: 40, remove: 2 }',
      '  - update: { attributes: [title, salary, title] }',
      '  - reconcile: { share: 5%, domain: x.example }',
      '',
    ].join('\n');
    const error = await loadError('many.yaml', text);
    expect(error.code).toBe('scenario-invalid');
    expect(error.message).toBe('Failed to load scenario many.yaml: 15 problems.');
    expect(error.location).toEqual({ file: 'many.yaml', line: 1 });
    expect(error.details).toEqual([
      'many.yaml:1: "description" is missing (add description: ... (one or two sentences on what the scenario exercises))',
      'many.yaml:2: unknown key "descripton" (did you mean "description"?)',
      'many.yaml:5: step 2: unknown step kind "updte" (did you mean "update"?)',
      'many.yaml:6: step 3 (update): share must be between 0% and 100%, got "150%" (a share is a percentage of the eligible users: 30% or 0.3)',
      'many.yaml:6: step 3 (update): unknown option "atributes" (did you mean "attributes"?)',
      'many.yaml:7: step 4 (deactivate) has both share and count (keep one: share picks a percentage of the eligible users, count an exact number)',
      'many.yaml:8: step 5 (delete): count must be a whole number of users, 0 or more, got -1',
      'many.yaml:8: step 5 (delete): of must be one of active, inactive, existing, all, got "inactve" (did you mean "inactive"?)',
      'many.yaml:9: step 6 (rename) needs a new domain or caseOnly: true (e.g. rename: { share: 100%, domain: newco.example } or rename: { share: 2%, caseOnly: true })',
      'many.yaml:10: step 7 (rename): domain must be a domain name, got "@newco.example" (write newco.example without the @)',
      'many.yaml:11: step 8 (group): groups must be a whole number from 1 to 32, got 40 (the number of groups the selected users are spread over)',
      'many.yaml:11: step 8 (group): remove must be between 0% and 100%, got 2 (write 2% for 2 percent, or 0.02 as a fraction)',
      'many.yaml:12: step 9 (update): attributes: unknown attribute "salary" (known attributes: title, department, manager, email, name)',
      'many.yaml:12: step 9 (update): attributes: "title" is listed twice (list each attribute once)',
      'many.yaml:13: step 10 (reconcile): "domain" applies to rename steps only (remove it, or move it to a rename step)',
    ]);
  });

  it('requires a create first, and flags options that lost their indentation', async () => {
    const error = await loadError('order.yaml', scenario('  - deactivate: 10%\n  - update:\n    share: 30%\n  - create: all\n'));
    expect(error.details).toEqual([
      'order.yaml:4: step 1 (deactivate) comes before any create step (start with "- create: all": a step can only act on users that exist)',
      'order.yaml:5: step 2 has 2 keys (update, share); a step is one kind with its options under it (indent share under "update:", or write update: { share: ... })',
    ]);
  });

  it('rejects a missing name, an empty steps list and a create limited to active users', async () => {
    const empty = await loadError('empty-steps.yaml', 'description: Nothing to do here.\nsteps: []\n');
    expect(empty.details).toEqual([
      'empty-steps.yaml:1: "name" is missing (add name: ... (a short name for reports, e.g. name: lifecycle))',
      'empty-steps.yaml:2: steps is empty (add at least "- create: all")',
    ]);
    const create = await loadError('create-of.yaml', scenario('  - create: { share: 50%, of: active }\n  - update: everything\n'));
    expect(create.details).toEqual([
      'create-of.yaml:4: step 1 (create): of must be all, got active (create picks among users not created yet; leave of out)',
      'create-of.yaml:5: step 2 (update) must be all, a share like 30%, a count like 500 or a map of options, got "everything" (e.g. all, 30%, 500 or { share: 30%, of: inactive })',
    ]);
  });

  it('names the line of invalid YAML', async () => {
    const error = await loadError('syntax.yaml', scenario('  - create: all\n  - update: { share: 30%\n  - deactivate: 10%\n'));
    expect(error.code).toBe('scenario-invalid-yaml');
    expect(error.message).toMatch(/^Failed to read scenario syntax\.yaml: invalid YAML on line [5-7] \(.+\)\.$/);
    expect(error.location?.line).toBeGreaterThanOrEqual(5);
  });

  it('tells a missing file, a directory and an empty file apart', async () => {
    await mkdir(join(dir, 'a-directory.yaml'), { recursive: true });
    await writeFile(join(dir, 'blank.yaml'), '\n  \n');
    const missing = await loadScenario('nope.yaml', dir).catch((e: unknown) => e);
    const directory = await loadScenario('a-directory.yaml', dir).catch((e: unknown) => e);
    const blank = await loadScenario('blank.yaml', dir).catch((e: unknown) => e);
    expect([missing, directory, blank].map((e) => (e instanceof UserError ? e.code : String(e)))).toEqual(['scenario-unreadable', 'scenario-directory', 'scenario-invalid-yaml']);
    expect(missing instanceof UserError && missing.message).toBe('Failed to read scenario nope.yaml: no such file.');
  });

  it('rejects a scenario that is a list rather than a map', async () => {
    const error = await loadError('list.yaml', '- create: all\n');
    expect(error.details).toEqual(['list.yaml:1: the scenario must be a map with name, description and steps, got a list (start from scenarios/lifecycle.yaml)']);
  });
});
