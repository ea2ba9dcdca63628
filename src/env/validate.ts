import type { SourceLocation } from '../errors/user-error.js';
import { CATALOG_PREFIX, catalog, suggestCatalogName, type CatalogEntry } from './catalog.js';
import { checkValue } from './check-value.js';
import type { EnvSet } from './load.js';
import type { EnvProblem } from './problem.js';
import { worstCaseOperationMs } from '../scim/retry-timing.js';

export interface ValidationResult {
  valid: boolean;
  problems: EnvProblem[];
}

/** A rule looks at the whole set and returns every problem it sees; rules never throw. */
type Rule = (set: EnvSet) => EnvProblem[];

/**
 * Validates an env set against the catalog and the cross-field rules, returning every problem
 * at once, each with its variable and file:line (changesets' `packages/config` style).
 */
export function validateEnvSet(set: EnvSet, options: ValidateOptions = {}): ValidationResult {
  const problems = [...set.problems, ...rules.flatMap((rule) => rule(set)), ...checkIgnored(set, options)];
  // Problems read in layering order, then line by line; a stable sort keeps rule order within a line.
  const rank = (p: EnvProblem): number => {
    const index = p.location ? set.sources.indexOf(p.location.file) : -1;
    return index === -1 ? set.sources.length : index;
  };
  problems.sort((a, b) => rank(a) - rank(b) || (a.location?.line ?? Infinity) - (b.location?.line ?? Infinity));
  return { valid: !problems.some((p) => p.severity === 'error'), problems };
}

export interface ValidateOptions {
  /** The identity provider dialect, and the variables it gives no choice over (with why). */
  dialect?: { name: string; ignores: Readonly<Record<string, string>> };
}

/** A variable set in the file that the chosen identity provider ignores is a warning, not silence. */
function checkIgnored(set: EnvSet, options: ValidateOptions): EnvProblem[] {
  const dialect = options.dialect;
  if (!dialect) return [];
  return Object.entries(dialect.ignores).flatMap(([name, why]): EnvProblem[] => {
    const entry = set.values.get(name);
    if (!entry || entry.value === '') return [];
    return [{ severity: 'warning', code: 'no-effect-under-dialect', variable: name, location: entry.source, message: `${name} has no effect under --dialect ${dialect.name}: ${why}`, hint: 'remove it, or rehearse with the dialect your identity provider uses' }];
  });
}

/** The value a variable takes: the one given (when not empty) or the catalog default. */
export function effectiveValue(set: EnvSet, name: string): string | undefined {
  const given = set.values.get(name)?.value;
  if (given !== undefined && given !== '') return given;
  return catalog.get(name)?.default;
}

function whereToAdd(set: EnvSet): SourceLocation {
  const lastFile = [...set.sources].reverse().find((s) => s !== '--set');
  return { file: lastFile ?? '--set' };
}

const checkUnknownNames: Rule = (set) => {
  const problems: EnvProblem[] = [];
  for (const entry of set.values.values()) {
    if (catalog.has(entry.name) || !entry.name.toUpperCase().startsWith(CATALOG_PREFIX)) continue;
    const suggestion = suggestCatalogName(entry.name);
    const likelyTypo = suggestion !== undefined;
    problems.push({
      severity: likelyTypo ? 'error' : 'warning',
      code: 'unknown-variable',
      variable: entry.name,
      location: entry.source,
      message: likelyTypo
        ? `${entry.name} is not a scimsim variable, so its value is ignored`
        : `${entry.name} is not a scimsim variable and has no effect`,
      hint: likelyTypo ? `did you mean ${suggestion}?` : 'see `scimsim vars`, or map your own name with --alias',
    });
  }
  return problems;
};

const checkValues: Rule = (set) => {
  const problems: EnvProblem[] = [];
  for (const entry of set.values.values()) {
    const spec = catalog.get(entry.name);
    if (!spec) continue;
    if (entry.value === '') {
      if (!isRequired(spec, set) && spec.default !== undefined) {
        problems.push({
          severity: 'warning',
          code: 'empty-value',
          variable: entry.name,
          location: entry.source,
          message: `${entry.name} is empty, so the default ${spec.default} applies`,
          hint: 'remove the line, or give a value',
        });
      }
      continue;
    }
    for (const finding of checkValue(spec, entry.value)) {
      // An unresolved or nested reference is reported once, by the reference rules.
      if (finding.code === 'url-unexpanded' && (entry.unresolved.length > 0 || set.problems.some((p) => p.variable === entry.name && p.code === 'nested-reference'))) continue;
      problems.push({
        severity: finding.severity,
        code: finding.code,
        variable: entry.name,
        location: entry.source,
        message: `${entry.name} ${finding.message}`,
        ...(finding.hint ? { hint: finding.hint } : {}),
      });
    }
  }
  return problems;
};

function isRequired(spec: CatalogEntry, set: EnvSet): boolean {
  if (spec.required) return true;
  const when = spec.requiredWhen;
  return when !== undefined && effectiveValue(set, when.variable) === when.equals;
}

const checkRequired: Rule = (set) => {
  const problems: EnvProblem[] = [];
  for (const spec of catalog.values()) {
    if (!isRequired(spec, set) || effectiveValue(set, spec.name) !== undefined) continue;
    const given = set.values.get(spec.name);
    const why = spec.requiredWhen ? ` when ${spec.requiredWhen.variable}=${spec.requiredWhen.equals}` : '';
    problems.push({
      severity: 'error',
      code: 'missing-required',
      variable: spec.name,
      location: given?.source ?? whereToAdd(set),
      message: given ? `${spec.name} is empty but required${why}` : `${spec.name} is required${why} but not set`,
      hint: spec.secret ? `set ${spec.name} (from your secret store in CI)` : `add ${spec.name}=${spec.example}`,
    });
  }
  return problems;
};

const checkReferences: Rule = (set) => {
  const problems: EnvProblem[] = [];
  for (const entry of set.values.values()) {
    for (const name of entry.unresolved) {
      problems.push({
        severity: 'error',
        code: 'unresolved-reference',
        variable: entry.name,
        location: entry.source,
        message: `${entry.name} references \${${name}}, which is not set`,
        hint: `set ${name}, or write \${${name}:-fallback}; use \\$ or single quotes for a literal $`,
      });
    }
  }
  const base = set.values.get('SCIM_API_BASE_URL');
  const tenant = effectiveValue(set, 'SCIM_TENANT_ID');
  if (base && tenant && !base.references.includes('SCIM_TENANT_ID') && !base.value.includes(tenant)) {
    problems.push({
      severity: 'warning',
      code: 'tenant-unused',
      variable: 'SCIM_TENANT_ID',
      location: set.values.get('SCIM_TENANT_ID')?.source ?? base.source,
      message: `SCIM_TENANT_ID is set but SCIM_API_BASE_URL neither contains nor references it`,
      hint: 'write the base URL with ${SCIM_TENANT_ID} if the tenant is part of the path',
    });
  }
  return problems;
};

const OAUTH_ONLY = ['SCIM_OAUTH_TOKEN_URL', 'SCIM_OAUTH_CLIENT_ID', 'SCIM_OAUTH_CLIENT_SECRET', 'SCIM_OAUTH_SCOPE'];

const checkAuthMode: Rule = (set) => {
  const mode = effectiveValue(set, 'SCIM_AUTH_MODE');
  const ignored = mode === 'oauth2' ? ['SCIM_AUTH_TOKEN'] : mode === 'bearer' ? OAUTH_ONLY : [];
  return ignored.flatMap((name): EnvProblem[] => {
    const entry = set.values.get(name);
    if (!entry || entry.value === '') return [];
    return [
      {
        severity: 'warning',
        code: 'ignored-by-auth-mode',
        variable: name,
        location: entry.source,
        message: `${name} is ignored because SCIM_AUTH_MODE=${mode}`,
        hint: mode === 'bearer' ? 'set SCIM_AUTH_MODE=oauth2 to use client credentials, or remove it' : 'remove it, or set SCIM_AUTH_MODE=bearer',
      },
    ];
  });
};

/** Fifteen minutes of one account's retries hold a worker for a third of an Entra ID cycle (~40 min). */
const MAX_WORST_CASE_MS = 15 * 60_000;

const checkRetryBudget: Rule = (set) => {
  const timeout = Number(effectiveValue(set, 'SCIM_TIMEOUT_MS'));
  const retries = Number(effectiveValue(set, 'SCIM_MAX_RETRIES'));
  if (!Number.isInteger(timeout) || !Number.isInteger(retries) || timeout < 100 || retries < 0 || retries > 10) return [];
  const retriesEntry = set.values.get('SCIM_MAX_RETRIES');
  const location = retriesEntry?.source ?? set.values.get('SCIM_TIMEOUT_MS')?.source ?? whereToAdd(set);
  if (retries === 0) {
    return [
      {
        severity: 'warning',
        code: 'no-retries',
        variable: 'SCIM_MAX_RETRIES',
        location,
        message: 'SCIM_MAX_RETRIES=0: every transient 429, 5xx or reset blocks the account it hits',
        hint: 'allow 2-3 retries; scimsim honours Retry-After',
      },
    ];
  }
  const worst = worstCaseOperationMs(timeout, retries);
  if (worst <= MAX_WORST_CASE_MS) return [];
  return [
    {
      severity: 'error',
      code: 'retry-budget',
      variable: 'SCIM_MAX_RETRIES',
      location,
      message: `SCIM_TIMEOUT_MS=${timeout} with SCIM_MAX_RETRIES=${retries} lets one operation take up to ${Math.round(worst / 60_000)} min (${retries + 1} attempts plus backoff)`,
      hint: `keep timeout x attempts under ${MAX_WORST_CASE_MS / 60_000} min: lower SCIM_TIMEOUT_MS or SCIM_MAX_RETRIES`,
    },
  ];
};

const rules: readonly Rule[] = [checkUnknownNames, checkValues, checkRequired, checkReferences, checkAuthMode, checkRetryBudget];
