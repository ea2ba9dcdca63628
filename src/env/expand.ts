import { UserError } from '../errors/user-error.js';
import type { EnvSet, EnvValue } from './load.js';

/**
 * `${VAR}` and `${VAR:-fallback}` expand; nothing else does. A bare `$` stays literal, `\$`
 * is a literal `$` inside an expanding value, and single-quoted values never expand, so a
 * secret such as `pa$$word` loads intact (the dotenv-expand pitfall, dotenvx/dotenv-expand#101).
 */
const REFERENCE = /\\\$|\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::-([^}]*))?\}/g;

/** Expands every value of the set in place, after layering, so later files can change what earlier ones reference. */
export function expandEnvValues(set: EnvSet, processEnv: Readonly<Record<string, string | undefined>>): void {
  const done = new Set<string>();
  const visiting: string[] = [];

  const resolveName = (name: string): string | undefined => {
    const entry = set.values.get(name);
    if (!entry) return processEnv[name];
    expandOne(entry);
    return entry.value;
  };

  const expandOne = (entry: EnvValue): void => {
    if (done.has(entry.name)) return;
    if (entry.quote === 'single' || !entry.raw.includes('$')) {
      done.add(entry.name);
      return;
    }
    if (visiting.includes(entry.name)) {
      const cycle = [...visiting.slice(visiting.indexOf(entry.name)), entry.name].join(' -> ');
      throw new UserError('env-expansion-cycle', `Failed to expand ${entry.name}: its references form a cycle (${cycle}).`, {
        hint: 'Break the cycle by giving one of these variables a plain value.',
        location: entry.source,
      });
    }
    visiting.push(entry.name);
    const references: string[] = [];
    const unresolved: string[] = [];
    entry.value = entry.raw.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '$';
      references.push(name);
      const value = resolveName(name);
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      unresolved.push(name);
      return match;
    });
    entry.references = references;
    entry.unresolved = unresolved;
    visiting.pop();
    done.add(entry.name);
  };

  for (const entry of set.values.values()) expandOne(entry);
}
