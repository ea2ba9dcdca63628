import { UserError } from '../errors/user-error.js';
import type { EnvSet, EnvValue } from './load.js';

/**
 * `${VAR}` and `${VAR:-fallback}` expand; nothing else does. A bare `$` stays literal, `\$`
 * is a literal `$` inside an expanding value, and single-quoted values never expand, so a
 * secret such as `pa$$word` loads intact (the dotenv-expand pitfall, dotenvx/dotenv-expand#101).
 */
const REFERENCE = /\\\$|\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::-([^}]*))?\}/g;

/**
 * The longest value expansion may produce. A chain of `A=${B}${B}` doubles at every step; this
 * stops it long before memory does (real values are URLs and tokens, well under a KiB).
 */
export const MAX_EXPANDED_LENGTH = 64 * 1024;

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
    let nested = false;
    let grown = 0;
    entry.value = entry.raw.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '$';
      references.push(name);
      // `${A:-${B}}` is not expanded by dotenv either: the fallback would end at the first `}`.
      if (fallback?.includes('${')) {
        nested = true;
        return match;
      }
      const value = resolveName(name);
      if (value !== undefined && value !== '') {
        // Counted as it grows: one line of 250,000 references to a long value must not build it first.
        grown += value.length;
        if (grown > MAX_EXPANDED_LENGTH) throw tooLarge(entry, grown);
        return value;
      }
      if (fallback !== undefined) return fallback;
      unresolved.push(name);
      return match;
    });
    if (entry.value.length > MAX_EXPANDED_LENGTH) throw tooLarge(entry, entry.value.length);
    if (nested) {
      set.problems.push({
        severity: 'error',
        code: 'nested-reference',
        variable: entry.name,
        location: entry.source,
        message: `${entry.name} nests a reference inside a fallback (\${A:-\${B}}), which is not expanded`,
        hint: 'give the fallback a plain value, or set the variable it names',
      });
    }
    entry.references = references;
    entry.unresolved = unresolved;
    visiting.pop();
    done.add(entry.name);
  };

  for (const entry of set.values.values()) expandOne(entry);
}

function tooLarge(entry: EnvValue, length: number): UserError {
  return new UserError('env-expansion-too-large', `Failed to expand ${entry.name}: its value grows to more than ${MAX_EXPANDED_LENGTH} characters (${length} so far).`, {
    hint: 'Check its ${...} references: one of them repeats a long value many times over.',
    location: entry.source,
  });
}
