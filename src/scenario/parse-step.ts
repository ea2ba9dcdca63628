import { isMap, type Node } from 'yaml';
import {
  isPercent,
  readAttributes,
  readBoolean,
  readCount,
  readDomain,
  readGroupCount,
  readPopulation,
  readShare,
  readText,
  UPDATABLE_ATTRIBUTES,
  type ValueCheck,
} from './step-values.js';
import type { Population, Step, StepKind, UpdatableAttribute } from './types.js';
import { describeNode, scalarOf, suggestion, type Entry, type Problems } from './yaml-problems.js';

/** Every step kind, in lifecycle order. */
export const STEP_KINDS: readonly StepKind[] = ['create', 'update', 'rename', 'deactivate', 'reactivate', 'delete', 'group', 'reconcile'];

/** Who a step picks from when its `of` is left out (documented on Selector.of). */
export const DEFAULT_POPULATION: Readonly<Record<StepKind, Population>> = {
  create: 'all',
  update: 'active',
  rename: 'active',
  deactivate: 'active',
  reactivate: 'inactive',
  delete: 'existing',
  group: 'active',
  reconcile: 'active',
};

/** Groups a group step spreads users over when it does not say. */
export const DEFAULT_GROUP_COUNT = 5;

/** The options of a step, as read from YAML. */
interface OptionValues {
  share: number;
  count: number;
  of: Population;
  name: string;
  attributes: UpdatableAttribute[];
  domain: string;
  caseOnly: boolean;
  groups: number;
  remove: number;
}

type OptionKey = keyof OptionValues;

/** The options a step wrote, before defaults are filled in. */
type Draft = Partial<OptionValues>;

// One check per option; the mapped type keeps this table and OptionValues in step.
const OPTIONS: { [K in OptionKey]: ValueCheck<OptionValues[K]> } = {
  share: readShare,
  count: readCount,
  of: readPopulation,
  name: readText,
  attributes: readAttributes,
  domain: readDomain,
  caseOnly: readBoolean,
  groups: readGroupCount,
  remove: readShare,
};

/** Every option a step may write (schemas/scenario.json declares the same). */
export const OPTION_KEYS = Object.keys(OPTIONS) as OptionKey[];

/** Options that mean something for one kind only. */
export const ONLY_FOR: Partial<Record<OptionKey, StepKind>> = { attributes: 'update', domain: 'rename', caseOnly: 'rename', groups: 'group', remove: 'group' };

/**
 * Reads item `position` (1-based) of `steps`: a one-key map from the kind to `all`, a share
 * (`30%`), a count (`500`) or a map of options. Returns the step with its defaults filled in,
 * or undefined when it has problems (each recorded on its own line).
 */
export function parseStep(item: Node | null, position: number, problems: Problems): Step | undefined {
  const label = `step ${position}`;
  if (!isMap(item)) return problems.add(item, `${label} must be a one-key map such as "- update: { share: 30% }", got ${describeNode(item)}`);
  const entries = problems.entries(item);
  const [first, ...extra] = entries;
  if (first === undefined) return problems.add(item, `${label} is empty`, 'write a kind and its options, e.g. "- update: { share: 30% }"');
  if (extra.length > 0) return tooManyKeys(label, first, extra, problems);
  const kind = STEP_KINDS.find((k) => k === first.key);
  if (kind === undefined) return problems.add(first.keyNode, `${label}: unknown step kind "${first.key}"`, suggestion(first.key, STEP_KINDS, 'step kind'));
  const where = `${label} (${kind})`;
  const before = problems.count;
  const options = isMap(first.value) ? problems.entries(first.value) : undefined;
  const draft = options ? readOptions(kind, where, options, problems) : readShortForm(first.value, where, problems);
  if (draft !== undefined) checkCombinations(kind, where, draft, new Set(options?.map((o) => o.key)), first, problems);
  if (draft === undefined || problems.count !== before) return undefined;
  return build(kind, problems.lineOf(first.keyNode), draft);
}

/** `all`, `30%` or `500` in place of an options map. */
function readShortForm(node: Node | null, where: string, problems: Problems): Draft | undefined {
  const value = scalarOf(node);
  if (value === 'all') return {};
  if (isPercent(value)) {
    const share = readShare(node, `${where}: the share`, problems);
    return share === undefined ? undefined : { share };
  }
  if (typeof value === 'number') {
    const count = readCount(node, `${where}: the count`, problems);
    return count === undefined ? undefined : { count };
  }
  const quoted = typeof value === 'string' && /^\s*\d+\s*$/.test(value);
  const close = typeof value === 'string' && suggestion(value, ['all'], 'value').startsWith('did');
  const hint = quoted ? `write ${value.trim()} without quotes for a count` : close ? 'did you mean "all"?' : 'e.g. all, 30%, 500 or { share: 30%, of: inactive }';
  return problems.add(node, `${where} must be all, a share like 30%, a count like 500 or a map of options, got ${describeNode(node)}`, hint);
}

function readOptions(kind: StepKind, where: string, entries: Entry[], problems: Problems): Draft {
  const draft: Draft = {};
  for (const entry of entries) {
    const key = OPTION_KEYS.find((k) => k === entry.key);
    if (key === undefined) {
      const misplaced = STEP_KINDS.some((k) => k === entry.key);
      const hint = misplaced ? `"${entry.key}" is a step kind: give it its own "- ${entry.key}: ..." item` : suggestion(entry.key, OPTION_KEYS, 'option');
      problems.add(entry.keyNode, `${where}: unknown option "${entry.key}"`, hint);
      continue;
    }
    const owner = ONLY_FOR[key];
    if (owner !== undefined && owner !== kind) {
      problems.add(entry.keyNode, `${where}: "${key}" applies to ${owner} steps only`, `remove it, or move it to a ${owner} step`);
      continue;
    }
    setOption(draft, key, entry.value, `${where}: ${key}`, problems);
  }
  return draft;
}

/** Reads one option into the draft; a generic helper keeps the key and its check's type together. */
function setOption<K extends OptionKey>(draft: Draft, key: K, node: Node | null, what: string, problems: Problems): void {
  const check: ValueCheck<OptionValues[K]> = OPTIONS[key];
  const value = check(node, what, problems);
  if (value !== undefined) draft[key] = value;
}

/**
 * Rules that span options, reported on the step's kind line where the options meet. `written`
 * holds the keys present even when invalid, so a bad domain is not also reported as missing.
 */
function checkCombinations(kind: StepKind, where: string, draft: Draft, written: ReadonlySet<string>, step: Entry, problems: Problems): void {
  const at = step.keyNode;
  if (draft.share !== undefined && draft.count !== undefined) {
    problems.add(at, `${where} has both share and count`, 'keep one: share picks a percentage of the eligible users, count an exact number');
  }
  if (kind === 'create' && draft.of !== undefined && draft.of !== 'all') {
    problems.add(at, `${where}: of must be all, got ${draft.of}`, 'create picks among users not created yet; leave of out');
  }
  const invalidCaseOnly = written.has('caseOnly') && draft.caseOnly === undefined;
  if (kind === 'rename' && !written.has('domain') && !invalidCaseOnly && draft.caseOnly !== true) {
    problems.add(at, `${where} needs a new domain or caseOnly: true`, 'e.g. rename: { share: 100%, domain: newco.example } or rename: { share: 2%, caseOnly: true }');
  }
  if (kind === 'rename' && draft.domain !== undefined && draft.caseOnly === true) {
    problems.add(at, `${where} has both domain and caseOnly: true`, 'a case-only rename keeps the domain; split them into two rename steps');
  }
}

function build(kind: StepKind, line: number, draft: Draft): Step {
  const step: Step = { kind, line, name: draft.name ?? kind, selector: { of: draft.of ?? DEFAULT_POPULATION[kind] } };
  if (draft.share !== undefined) step.selector.share = draft.share;
  if (draft.count !== undefined) step.selector.count = draft.count;
  if (kind === 'update') step.attributes = draft.attributes ?? [...UPDATABLE_ATTRIBUTES];
  if (kind === 'rename') {
    step.rename = {};
    if (draft.domain !== undefined) step.rename.domain = draft.domain;
    if (draft.caseOnly !== undefined) step.rename.caseOnly = draft.caseOnly;
  }
  if (kind === 'group') step.groups = draft.remove === undefined ? { count: draft.groups ?? DEFAULT_GROUP_COUNT } : { count: draft.groups ?? DEFAULT_GROUP_COUNT, remove: draft.remove };
  return step;
}

/**
 * A step map with several keys. Usually options meant for the kind lost their indentation
 * (`- update:` then `share: 30%` level with it), or two steps share one `-`.
 */
function tooManyKeys(label: string, first: Entry, extra: Entry[], problems: Problems): undefined {
  const keys = [first, ...extra].map((e) => e.key);
  const options = extra.filter((e) => OPTION_KEYS.some((k) => k === e.key)).map((e) => e.key);
  const hint =
    scalarOf(first.value) == null && options.length > 0
      ? `indent ${options.join(', ')} under "${first.key}:", or write ${first.key}: { ${options.map((o) => `${o}: ...`).join(', ')} }`
      : 'start each step with its own "- "';
  return problems.add(first.keyNode, `${label} has ${keys.length} keys (${keys.join(', ')}); a step is one kind with its options under it`, hint);
}
