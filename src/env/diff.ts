import type { SourceLocation } from '../errors/user-error.js';
import { catalog, isSecretName } from './catalog.js';
import type { EnvSet } from './load.js';
import { displayValue } from './redact.js';

export type ChangeAction = 'create' | 'update' | 'delete';

/** One variable that differs between two env sets. Values are display values: secrets are fingerprints. */
export interface EnvChange {
  variable: string;
  action: ChangeAction;
  before?: string;
  after?: string;
  secret: boolean;
  beforeSource?: SourceLocation;
  afterSource?: SourceLocation;
  /** What can go wrong, from the catalog; absent for unknown variables. */
  risk?: string;
  /** Set when the change cannot alter behaviour: the effective value stays the catalog default. */
  noEffect?: string;
  /** Coupled variables (credentials of one auth mode) share a unit. */
  unit?: string;
}

export interface EnvDiff {
  changes: EnvChange[];
  summary: { create: number; update: number; delete: number };
}

/**
 * Compares two env sets by their effective (expanded) values, as the provisioning service
 * would see them. Secrets are compared by value and reported only as fingerprints.
 */
export function diffEnvSets(base: EnvSet, candidate: EnvSet): EnvDiff {
  const names = new Set([...base.values.keys(), ...candidate.values.keys()]);
  const changes: EnvChange[] = [];
  for (const name of sortNames(names)) {
    const before = base.values.get(name);
    const after = candidate.values.get(name);
    if (before?.value === after?.value) continue;
    const action: ChangeAction = before === undefined ? 'create' : after === undefined ? 'delete' : 'update';
    const spec = catalog.get(name);
    const change: EnvChange = { variable: name, action, secret: isSecretName(name) };
    if (before) {
      change.before = displayValue(name, before.value);
      change.beforeSource = before.source;
    }
    if (after) {
      change.after = displayValue(name, after.value);
      change.afterSource = after.source;
    }
    if (spec?.risk) change.risk = spec.risk;
    if (spec?.unit) change.unit = spec.unit;
    const effectiveBefore = before?.value || spec?.default;
    const effectiveAfter = after?.value || spec?.default;
    if (spec?.default !== undefined && effectiveBefore === effectiveAfter) {
      change.noEffect = `the effective value stays the default ${spec.default}`;
    }
    changes.push(change);
  }
  const count = (action: ChangeAction): number => changes.filter((c) => c.action === action).length;
  return { changes, summary: { create: count('create'), update: count('update'), delete: count('delete') } };
}

/** Catalog variables in catalog order first, then the rest alphabetically. */
function sortNames(names: Set<string>): string[] {
  const order = [...catalog.keys()];
  const rank = (name: string): number => {
    const index = order.indexOf(name);
    return index === -1 ? order.length : index;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
