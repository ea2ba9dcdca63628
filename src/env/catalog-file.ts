import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { SourceLocation } from '../errors/user-error.js';
import { isBuiltInVariable, SWITCHABLE_STAGES, type CatalogEntry, type SwitchableStage, type VariableType } from './catalog.js';
import { checkValue } from './check-value.js';

/**
 * The user's own variables (`--catalog FILE`, JSON or YAML): each with a type, a default, a
 * secret flag, a description and a usage that says what the simulated client does with it:
 * - `none`: validated, shown and diffed, but the client does not read it;
 * - `{ alias: SCIM_NAME }`: the team's name for a built-in variable (applied like `--alias`);
 * - `{ switch: STAGE }`: a boolean that turns a scenario stage off when `false`.
 */
export interface UserCatalog {
  variables: CatalogEntry[];
  /** `THEIR_NAME=SCIM_NAME` lines, in the shape `--alias-file` gives them. */
  aliases: Array<{ text: string; location: SourceLocation }>;
}

export type CatalogFileResult = { ok: true; catalog: UserCatalog } | { ok: false; problems: string[] };

const TYPES = ['string', 'url', 'hostname', 'secret', 'boolean', 'integer', 'number', 'enum'] as const;
const ENTRY_KEYS = new Set(['name', 'type', 'min', 'max', 'values', 'default', 'secret', 'description', 'usage']);
const ALIAS_KEYS = new Set(['name', 'description', 'usage']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const USAGES = 'none, { alias: SCIM_NAME } or { switch: STAGE }';

/** Parses and validates a catalog file's text, returning every problem at once as `file:line: ...`. */
export function parseCatalogFile(text: string, file: string): CatalogFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  const at = (node: Node | null | undefined): string => `${file}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  const yamlErrors = doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? 1}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`);
  if (yamlErrors.length > 0) return { ok: false, problems: yamlErrors };
  const root = doc.contents;
  if (!isMap(root) || !isSeq(root.get('variables', true))) {
    return { ok: false, problems: [`${at(root)}: expected a top-level \`variables:\` list`] };
  }
  const problems: string[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'variables') problems.push(`${at(pair.key as Node)}: unknown key ${JSON.stringify(key)} (only \`variables\`)`);
  }
  const seen = new Map<string, string>();
  const variables: CatalogEntry[] = [];
  const aliases: UserCatalog['aliases'] = [];
  const list = root.get('variables', true);
  for (const item of isSeq(list) ? list.items : []) {
    const node = item as Node;
    if (!isMap(node)) {
      problems.push(`${at(node)}: each variable must be a mapping with name, type, usage, ...`);
      continue;
    }
    const where = at(node);
    const line = Number(where.slice(file.length + 1));
    const own: string[] = [];
    const name = scalar(node, 'name');
    if (typeof name !== 'string' || !NAME.test(name)) {
      problems.push(`${where}: name must be an environment variable name, found ${JSON.stringify(name ?? null)}`);
      continue;
    }
    const first = seen.get(name);
    if (first !== undefined) own.push(`${name} is declared twice (first at ${first})`);
    else seen.set(name, where);
    if (isBuiltInVariable(name)) own.push(`${name} is a built-in variable; give your own name, or use { alias: ${name} } to map one onto it`);
    const usage = readUsage(node.get('usage', true) as Node | undefined);
    if (typeof usage === 'string' && usage !== 'none') own.push(`${name}: ${usage}`);
    const keys = usage !== undefined && typeof usage !== 'string' && 'alias' in usage ? ALIAS_KEYS : ENTRY_KEYS;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!keys.has(key)) own.push(`${name}: ${keys === ALIAS_KEYS && ENTRY_KEYS.has(key) ? `an alias takes its ${key} from the variable it names` : `unknown key ${JSON.stringify(key)}`}`);
    }
    const description = scalar(node, 'description');
    if (typeof description !== 'string' || description.trim() === '') own.push(`${name}: description must be a non-empty string`);
    if (usage !== undefined && typeof usage !== 'string' && 'alias' in usage) {
      if (own.length === 0) aliases.push({ text: `${name}=${usage.alias}`, location: { file, line } });
    } else {
      const entry = readEntry(node, name, String(description ?? ''), usage, own, { file, line });
      if (entry && own.length === 0) variables.push(entry);
    }
    problems.push(...own.map((p) => `${where}: ${p}`));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, catalog: { variables, aliases } };
}

type Usage = 'none' | { alias: string } | { switch: SwitchableStage };

/** A usage, or (any other string) a message saying what is wrong with it. */
function readUsage(node: Node | undefined): Usage | string {
  if (node === undefined) return `usage is missing: one of ${USAGES}`;
  if (isScalar(node) && node.value === 'none') return 'none';
  if (isMap(node) && node.items.length === 1) {
    const pair = node.items[0];
    const key = pair && isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair && isScalar(pair.value) ? String(pair.value.value) : '';
    if (key === 'alias') {
      return isBuiltInVariable(value) ? { alias: value } : `alias ${JSON.stringify(value)} is not a built-in variable (see scimsim vars)`;
    }
    if (key === 'switch') {
      const stage = SWITCHABLE_STAGES.find((s) => s === value);
      return stage ? { switch: stage } : `switch ${JSON.stringify(value)} is not a stage: one of ${SWITCHABLE_STAGES.join(', ')}`;
    }
  }
  return `unknown usage ${JSON.stringify(isScalar(node) ? node.value : node.toJSON())}: one of ${USAGES}`;
}

function readEntry(node: YAMLMap, name: string, description: string, usage: Usage | string, own: string[], declaredAt: { file: string; line: number }): CatalogEntry | undefined {
  const isSwitch = typeof usage !== 'string' && 'switch' in usage;
  const typeName = scalar(node, 'type') ?? (isSwitch ? 'boolean' : undefined);
  const kind = TYPES.find((t) => t === typeName);
  if (kind === undefined) {
    // A usage already refused (a mistyped switch or alias) is the one problem to report, not the type it implied.
    const usageRefused = typeof usage === 'string' && usage !== 'none';
    if (typeName === undefined && usageRefused) return undefined;
    own.push(typeName === undefined ? `${name}: type is missing: one of ${TYPES.join(', ')}` : `${name}: type ${JSON.stringify(typeName)} is not one of ${TYPES.join(', ')}`);
    return undefined;
  }
  if (isSwitch && kind !== 'boolean') own.push(`${name}: a stage switch must be of type boolean, not ${kind}`);
  const type = readType(node, name, kind, own);
  const secret = scalar(node, 'secret') ?? kind === 'secret';
  if (typeof secret !== 'boolean') own.push(`${name}: secret must be true or false`);
  if (kind === 'secret' && secret === false) own.push(`${name}: a variable of type secret is always secret`);
  const given = scalar(node, 'default');
  // A switch is on unless the env set turns it off.
  const fallback = isSwitch && kind === 'boolean' ? 'true' : undefined;
  const value = given === undefined || given === null ? fallback : String(given);
  if (type === undefined) return undefined;
  const entry: CatalogEntry = { name, type, secret: secret === true, description, example: value ?? '', declaredAt };
  if (value !== undefined) {
    const bad = checkValue(entry, value).filter((f) => f.severity === 'error');
    for (const f of bad) own.push(`${name}: default ${f.message}`);
    entry.default = value;
  }
  if (isSwitch && typeof usage !== 'string' && 'switch' in usage) {
    entry.switches = usage.switch;
    entry.risk = `false turns the scenario's ${usage.switch} stage off: every account it would change is left other than intended`;
  }
  return entry;
}

function readType(node: YAMLMap, name: string, kind: (typeof TYPES)[number], own: string[]): VariableType | undefined {
  const min = scalar(node, 'min');
  const max = scalar(node, 'max');
  const values = node.get('values', true) as Node | undefined;
  if (kind !== 'integer' && kind !== 'number' && (min !== undefined || max !== undefined)) own.push(`${name}: min and max apply to integer and number only`);
  if (kind !== 'enum' && values !== undefined) own.push(`${name}: values apply to enum only`);
  switch (kind) {
    case 'integer':
    case 'number': {
      const lo = min ?? (kind === 'integer' ? Number.MIN_SAFE_INTEGER : -Number.MAX_VALUE);
      const hi = max ?? (kind === 'integer' ? Number.MAX_SAFE_INTEGER : undefined);
      if (typeof lo !== 'number' || (hi !== undefined && typeof hi !== 'number')) {
        own.push(`${name}: min and max must be numbers`);
        return undefined;
      }
      if (hi !== undefined && hi < lo) own.push(`${name}: max ${hi} is below min ${lo}`);
      return kind === 'integer' ? { kind, min: lo, max: hi ?? Number.MAX_SAFE_INTEGER } : hi === undefined ? { kind, min: lo } : { kind, min: lo, max: hi };
    }
    case 'enum': {
      const list = isSeq(values) ? values.items.map((v) => (isScalar(v) ? String(v.value) : '')) : [];
      if (list.length === 0 || list.includes('')) {
        own.push(`${name}: an enum needs a non-empty list of values`);
        return undefined;
      }
      return { kind, values: list };
    }
    default:
      return { kind };
  }
}

/** A scalar child's value; undefined when absent, null for a non-scalar. */
function scalar(node: YAMLMap, key: string): unknown {
  const child = node.get(key, true) as Node | undefined;
  if (child === undefined) return undefined;
  return isScalar(child) ? child.value : null;
}
