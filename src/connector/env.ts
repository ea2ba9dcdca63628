import type { EnvSet } from '../env/load.js';

/**
 * An env set as the team's code reads it: each variable under the name its file used (the
 * team's own name when --alias mapped it onto a catalog name), with its expanded value. Nothing
 * of scimsim's own process environment is added.
 */
export function processEnvOf(set: EnvSet): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of set.values) env[value.alias ?? name] = value.value;
  return env;
}

/** The name the team uses for a catalog variable, from either env set (its alias), else the catalog name. */
export function teamNameOf(variable: string, ...sets: EnvSet[]): string {
  for (const set of sets) {
    const alias = set.values.get(variable)?.alias;
    if (alias !== undefined) return alias;
  }
  return variable;
}
