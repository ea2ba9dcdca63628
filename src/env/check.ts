import type { SourceLocation } from '../errors/user-error.js';
import { catalog, isSecretName } from './catalog.js';
import type { EnvSet } from './load.js';
import type { PreflightReport } from './preflight/index.js';
import type { EnvProblem } from './problem.js';
import { displayValue } from './redact.js';
import type { ValidationResult } from './validate.js';

export type VariableStatus = 'ok' | 'warning' | 'error' | 'unknown';

/** One row of `scimsim check`: a variable as the env set gives it, redacted. */
export interface VariableRow {
  name: string;
  value: string | undefined;
  secret: boolean;
  /** Where the value came from; `default` for catalog defaults, undefined when missing. */
  source: SourceLocation | 'default' | undefined;
  overrides: SourceLocation[];
  alias?: string;
  status: VariableStatus;
}

/** Everything `scimsim check` reports: rows, problems and, with --connect, the preflight. */
export interface CheckReport {
  valid: boolean;
  sources: string[];
  variables: VariableRow[];
  problems: EnvProblem[];
  preflight?: PreflightReport;
}

/** Assembles the check report: catalog variables in catalog order, then the set's other variables. */
export function summarizeCheck(set: EnvSet, validation: ValidationResult, preflight?: PreflightReport): CheckReport {
  // Grouped once: a file of 16,000 unknown names has as many problems, and a filter per row is quadratic.
  const byVariable = new Map<string, EnvProblem[]>();
  for (const p of validation.problems) {
    if (p.variable === undefined) continue;
    const list = byVariable.get(p.variable);
    if (list) list.push(p);
    else byVariable.set(p.variable, [p]);
  }
  const statusOf = (name: string): VariableStatus => {
    const mine = byVariable.get(name) ?? [];
    if (mine.some((p) => p.severity === 'error')) return 'error';
    if (mine.length > 0) return 'warning';
    return catalog.has(name) || !name.startsWith('SCIM_') ? 'ok' : 'unknown';
  };
  const rows: VariableRow[] = [];
  for (const spec of catalog.values()) {
    const given = set.values.get(spec.name);
    const missing = (byVariable.get(spec.name) ?? []).some((p) => p.code === 'missing-required');
    if (!given && spec.default === undefined && !missing) continue;
    rows.push({
      name: spec.name,
      value: given ? displayValue(spec.name, given.value) : spec.default,
      secret: spec.secret,
      source: given ? given.source : spec.default !== undefined ? 'default' : undefined,
      overrides: given?.overrides ?? [],
      ...(given?.alias ? { alias: given.alias } : {}),
      status: statusOf(spec.name),
    });
  }
  for (const entry of set.values.values()) {
    if (catalog.has(entry.name)) continue;
    rows.push({
      name: entry.name,
      value: displayValue(entry.name, entry.value),
      secret: isSecretName(entry.name),
      source: entry.source,
      overrides: entry.overrides,
      status: statusOf(entry.name),
    });
  }
  const report: CheckReport = {
    valid: validation.valid && (preflight?.ok ?? true),
    sources: set.sources,
    variables: rows,
    problems: validation.problems,
  };
  if (preflight) report.preflight = preflight;
  return report;
}
