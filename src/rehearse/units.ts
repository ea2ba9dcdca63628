import { catalog } from '../env/catalog.js';
import type { EnvChange } from '../env/diff.js';
import type { EnvSet, EnvValue } from '../env/load.js';

/** Changed variables that move together in every replay. */
export interface ChangeUnit {
  /** Stable id: the coupling name (`auth`, `endpoint`, `couple:A+B`) or the variable's name. */
  id: string;
  variables: string[];
}

/**
 * Groups the changes of an env diff into units, the atoms attribution works on:
 * - `auth`: the auth mode with its credentials, and the OAuth token URL, client id, secret and
 *   scope (a client id without its secret is not a configuration anyone would ship);
 * - `endpoint`: the base URL with the tenant id, when the URL references the tenant (through
 *   `${SCIM_TENANT_ID}` or as a path segment) in either env set;
 * - each `--couple A,B` the user declares;
 * - every other change alone.
 * Units that share a variable are merged. Order follows the diff (catalog order).
 */
export function buildUnits(changes: readonly EnvChange[], base: EnvSet, candidate: EnvSet, couplings: readonly (readonly string[])[] = []): ChangeUnit[] {
  const changed = new Set(changes.map((c) => c.variable));
  const tenantInUrl = referencesTenant(base) || referencesTenant(candidate);
  // Union-find over variables and coupling names.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const labels = new Map<string, string>();
  for (const change of changes) {
    const unit = catalog.get(change.variable)?.unit;
    if (unit === 'auth' || (unit === 'endpoint' && tenantInUrl)) {
      union(`#${unit}`, change.variable);
      labels.set(change.variable, unit);
    }
  }
  for (const couple of couplings) {
    const present = couple.filter((v) => changed.has(v));
    for (const v of present.slice(1)) union(present[0] as string, v);
    for (const v of present) if (present.length > 1) labels.set(v, labels.get(v) ?? 'coupled');
  }
  const byRoot = new Map<string, string[]>();
  for (const change of changes) {
    const root = find(change.variable);
    const members = byRoot.get(root) ?? [];
    members.push(change.variable);
    byRoot.set(root, members);
  }
  return [...byRoot.values()].map((variables) => ({
    id: variables.length === 1 ? (variables[0] as string) : [...new Set(variables.map((v) => labels.get(v) ?? v))].join('+'),
    variables,
  }));
}

function referencesTenant(set: EnvSet): boolean {
  const url = set.values.get('SCIM_API_BASE_URL');
  const tenant = set.values.get('SCIM_TENANT_ID')?.value;
  if (!url) return false;
  if (/\$\{?SCIM_TENANT_ID\b/.test(url.raw ?? '')) return true;
  if (tenant === undefined || tenant === '') return false;
  try {
    return new URL(url.value).pathname.split('/').includes(tenant);
  } catch {
    return false;
  }
}

/**
 * The baseline with the candidate's values for the variables of `units`: a variable the candidate
 * removed is removed. Everything else (sources, load findings) stays the baseline's.
 */
export function mixEnvSets(base: EnvSet, candidate: EnvSet, units: readonly ChangeUnit[]): EnvSet {
  const values = new Map<string, EnvValue>(base.values);
  for (const unit of units) {
    for (const variable of unit.variables) {
      const value = candidate.values.get(variable);
      if (value === undefined) values.delete(variable);
      else values.set(variable, value);
    }
  }
  return { values, sources: [...base.sources, ...candidate.sources], problems: [...base.problems] };
}
