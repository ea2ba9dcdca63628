import { UserError, type SourceLocation } from '../errors/user-error.js';
import { catalog } from './catalog.js';
import { expandEnvValues } from './expand.js';
import { parseDotenv, type DotenvParseResult, type QuoteStyle } from './parse-dotenv.js';
import { looksLikeJson, parseJsonEnv } from './parse-json-env.js';
import type { EnvProblem } from './problem.js';
import { readEnvSource, type SourceText } from './read-source.js';

/** One variable of a loaded env set, with where its value came from. */
export interface EnvValue {
  name: string;
  /** The value after `${VAR}` expansion. */
  value: string;
  /** The value as written. */
  raw: string;
  quote: QuoteStyle;
  source: SourceLocation;
  /** Definitions this one won over, latest first. */
  overrides: SourceLocation[];
  /** The name used in the file when an alias mapped it onto a catalog name. */
  alias?: string;
  /** Variables referenced with `${...}`. */
  references: string[];
  /** References that could not be resolved; the value keeps them as written. */
  unresolved: string[];
}

export interface EnvSet {
  /** In order of first appearance. */
  values: Map<string, EnvValue>;
  /** Source labels in layering order, `--set` last. */
  sources: string[];
  /** Findings made while loading (duplicate keys, values cut at #). */
  problems: EnvProblem[];
}

export interface LoadOptions {
  /** Files (or `git:REV:path`) in layering order: later wins. */
  files: readonly string[];
  /** `K=V` assignments that win over every file. */
  sets?: readonly string[];
  /** Maps a service's own names onto catalog names (`OKTA_SCIM_URL` -> `SCIM_API_BASE_URL`). */
  aliases?: ReadonlyMap<string, string>;
  cwd: string;
  /** Consulted for `${VAR}` references the env set does not define. */
  processEnv?: Readonly<Record<string, string | undefined>>;
}

/** Loads, layers and expands an env set. Throws UserError when a source cannot be read or parsed. */
export async function loadEnvSet(options: LoadOptions): Promise<EnvSet> {
  if (options.files.length === 0 && (options.sets ?? []).length === 0) {
    throw new UserError('env-missing', 'Failed to load an env set: no --env file given.', {
      hint: 'Pass --env FILE (repeat it to layer files; later files win).',
    });
  }
  const texts = await Promise.all(options.files.map((file) => readEnvSource(file, options.cwd)));
  return buildEnvSet(texts, options);
}

/** The pure part of {@link loadEnvSet}: parse, layer and expand already-read sources. */
export function buildEnvSet(
  texts: readonly SourceText[],
  options: Pick<LoadOptions, 'sets' | 'aliases' | 'processEnv'>,
): EnvSet {
  const set: EnvSet = { values: new Map(), sources: [], problems: [] };
  const aliases = options.aliases ?? new Map<string, string>();
  const parsed = texts.map((source) => ({ source, result: parseSource(source) }));
  const malformed = parsed.flatMap(({ source, result }) =>
    result.errors.map((e) => `${source.label}:${e.line}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`),
  );
  if (malformed.length > 0) {
    const first = parsed.find(({ result }) => result.errors.length > 0);
    throw new UserError(
      'env-file-malformed',
      `Failed to parse ${first?.source.label ?? 'env file'}: ${malformed.length === 1 ? 'a malformed line' : `${malformed.length} malformed lines`}.`,
      {
        details: malformed,
        hint: 'Each line must be KEY=VALUE, a comment (#) or blank.',
        ...(first ? { location: { file: first.source.label, line: first.result.errors[0]?.line ?? 1 } } : {}),
      },
    );
  }
  for (const { source, result } of parsed) {
    set.sources.push(source.label);
    for (const w of result.warnings) {
      set.problems.push({
        severity: 'warning',
        code: 'env-file-warning',
        location: { file: source.label, line: w.line },
        message: w.message,
        ...(w.hint ? { hint: w.hint } : {}),
      });
    }
    for (const entry of result.entries) {
      assign(set, aliases, entry.key, entry.value, entry.quote, { file: source.label, line: entry.line });
    }
  }
  const assignments = (options.sets ?? []).map(parseSetFlag);
  if (assignments.length > 0) set.sources.push('--set');
  for (const { key, value } of assignments) assign(set, aliases, key, value, 'none', { file: '--set' });
  expandEnvValues(set, options.processEnv ?? {});
  return set;
}

function parseSource(source: SourceText): DotenvParseResult {
  return looksLikeJson(source.label, source.text) ? parseJsonEnv(source.text) : parseDotenv(source.text);
}

function assign(
  set: EnvSet,
  aliases: ReadonlyMap<string, string>,
  key: string,
  value: string,
  quote: QuoteStyle,
  location: SourceLocation,
): void {
  const name = aliases.get(key) ?? key;
  const previous = set.values.get(name);
  const entry: EnvValue = {
    name,
    value,
    raw: value,
    quote,
    source: location,
    overrides: previous ? [previous.source, ...previous.overrides] : [],
    references: [],
    unresolved: [],
  };
  if (name !== key) entry.alias = key;
  // Map.set on an existing key keeps its position: reports list variables in first-appearance order.
  set.values.set(name, entry);
}

/** Parses one `--set K=V` flag. The message never echoes the flag: it may hold a secret. */
export function parseSetFlag(assignment: string): { key: string; value: string } {
  const eq = assignment.indexOf('=');
  const key = eq === -1 ? '' : assignment.slice(0, eq).trim();
  if (eq === -1 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
    const what = eq === -1 ? 'it has no =' : 'the part before = is not a variable name';
    throw new UserError('set-malformed', `Failed to read a --set flag: ${what}.`, {
      hint: 'Write --set SCIM_PAGE_SIZE=200.',
      location: { file: '--set' },
    });
  }
  return { key, value: assignment.slice(eq + 1) };
}

/**
 * Parses alias declarations (`OKTA_SCIM_URL=SCIM_API_BASE_URL`), from `--alias` flags or an
 * alias file in dotenv format. Targets must be catalog names.
 */
export function parseAliases(lines: ReadonlyArray<{ text: string; location: SourceLocation }>): Map<string, string> {
  const aliases = new Map<string, string>();
  const problems: string[] = [];
  for (const { text, location } of lines) {
    const eq = text.indexOf('=');
    const from = text.slice(0, eq).trim();
    const to = text.slice(eq + 1).trim();
    const where = location.line === undefined ? location.file : `${location.file}:${location.line}`;
    if (eq === -1 || from === '' || to === '') {
      problems.push(`${where}: expected THEIR_NAME=SCIM_NAME, found ${JSON.stringify(text)}`);
    } else if (!catalog.has(to)) {
      problems.push(`${where}: ${to} is not a catalog variable (see scimsim vars)`);
    } else {
      aliases.set(from, to);
    }
  }
  if (problems.length > 0) {
    throw new UserError('alias-malformed', `Failed to read the alias mapping: ${problems.length} problem(s).`, {
      details: problems,
      hint: 'Map each of your names onto a catalog name, e.g. OKTA_SCIM_URL=SCIM_API_BASE_URL.',
    });
  }
  return aliases;
}

/** Reads an alias file (dotenv format, `THEIR_NAME=SCIM_NAME` per line). */
export async function loadAliasFile(path: string, cwd: string): Promise<Array<{ text: string; location: SourceLocation }>> {
  const source = await readEnvSource(path, cwd);
  const parsed = parseDotenv(source.text);
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0];
    throw new UserError('alias-malformed', `Failed to parse alias file ${path}: ${first?.message ?? 'malformed'}.`, {
      location: { file: path, line: first?.line ?? 1 },
      hint: 'Write one THEIR_NAME=SCIM_NAME per line.',
    });
  }
  return parsed.entries.map((e) => ({ text: `${e.key}=${e.value}`, location: { file: path, line: e.line } }));
}
