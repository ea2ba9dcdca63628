import { isMap, isNode, isSeq, type Document, type LineCounter } from 'yaml';
import { parseStep } from './parse-step.js';
import type { Scenario, Step } from './types.js';
import { describeNode, scalarOf, suggestion, Problems, type Entry, type Located, type ScenarioProblem } from './yaml-problems.js';

export type { ScenarioProblem } from './yaml-problems.js';

/** The keys of a scenario; `$schema` tells an editor where schemas/scenario.json is, and is ignored. */
export const ROOT_KEYS = ['$schema', 'name', 'description', 'steps'] as const;

/**
 * Validates a parsed scenario document and returns every problem at once, each on its line.
 * `scenario` holds what passed, so callers must not use it when `problems` is not empty.
 * `file` is recorded as Scenario.file.
 */
export function validateScenario(doc: Document, lines: LineCounter, file: string): { scenario: Scenario; problems: ScenarioProblem[] } {
  const problems = new Problems(doc, lines);
  const scenario: Scenario = { name: '', description: '', file, steps: [] };
  const root = problems.resolve(isNode(doc.contents) ? doc.contents : null);
  if (!isMap(root)) {
    problems.add(root, `the scenario must be a map with name, description and steps, got ${describeNode(root)}`, 'start from scenarios/lifecycle.yaml');
    return { scenario, problems: problems.all };
  }
  const entries = problems.entries(root);
  for (const entry of entries) {
    if (!ROOT_KEYS.some((k) => k === entry.key)) problems.add(entry.keyNode, `unknown key "${entry.key}"`, suggestion(entry.key, ROOT_KEYS, 'key'));
  }
  const find = (key: string): Entry | undefined => entries.find((e) => e.key === key);
  scenario.name = readRootText(find('name'), 'name', 'a short name for reports, e.g. name: lifecycle', root, problems);
  scenario.description = readRootText(find('description'), 'description', 'one or two sentences on what the scenario exercises', root, problems);
  scenario.steps = readSteps(find('steps'), root, problems);
  return { scenario, problems: problems.all };
}

function readRootText(entry: Entry | undefined, key: string, hint: string, root: Located, problems: Problems): string {
  if (entry === undefined) {
    problems.add(root, `"${key}" is missing`, `add ${key}: ... (${hint})`);
    return '';
  }
  const value = scalarOf(entry.value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.add(entry.value ?? entry.keyNode, `${key} must be non-empty text, got ${describeNode(entry.value)}`, hint);
  return '';
}

function readSteps(entry: Entry | undefined, root: Located, problems: Problems): Step[] {
  const example = 'e.g. steps: [{ create: all }, { deactivate: 10% }]';
  if (entry === undefined) return problems.add(root, '"steps" is missing', `add a list of steps, ${example}`) ?? [];
  const list = entry.value;
  if (!isSeq(list)) return problems.add(list ?? entry.keyNode, `steps must be a list, got ${describeNode(list)}`, `write one "- kind: ..." line per step, ${example}`) ?? [];
  if (list.items.length === 0) return problems.add(list, 'steps is empty', 'add at least "- create: all"') ?? [];
  const steps: Step[] = [];
  list.items.forEach((raw, i) => {
    const item = problems.resolve(isNode(raw) ? raw : null);
    const step = parseStep(item, i + 1, problems);
    if (step === undefined) return;
    steps.push(step);
    // Creates may come later too (joiners mid-scenario), but the first step must be one. Only the first
    // step is checked: a broken first step (a misspelt create?) is reported already, and every later
    // step would repeat the complaint.
    if (i === 0 && step.kind !== 'create') {
      problems.add(item, `step 1 (${step.kind}) comes before any create step`, 'start with "- create: all": a step can only act on users that exist');
    }
  });
  return steps;
}
