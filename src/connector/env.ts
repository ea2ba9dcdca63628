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

/**
 * Renames catalog variables to the team's names (their aliases in either env set): `name` for a
 * variable, `text` for the catalog names inside a sentence (a hint). Undefined when nothing is aliased.
 */
export function teamNamer(...sets: EnvSet[]): { name: (variable: string) => string; text: (line: string) => string } | undefined {
  const names = new Map<string, string>();
  for (const set of sets) for (const [name, value] of set.values) if (value.alias !== undefined && !names.has(name)) names.set(name, value.alias);
  if (names.size === 0) return undefined;
  const pattern = new RegExp(`\\b(${[...names.keys()].join('|')})\\b`, 'g');
  return { name: (variable) => names.get(variable) ?? variable, text: (line) => line.replace(pattern, (match) => names.get(match) ?? match) };
}
