import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { registerUserVariables } from '../env/catalog.js';
import type { UserCatalog } from '../env/catalog-file.js';
import { UserError } from '../errors/user-error.js';
import { loadAliasFile, loadEnvSet, parseAliases, type EnvSet } from '../env/load.js';
import type { SourceLocation } from '../errors/user-error.js';
import type { CliIO } from './io.js';

/** Flags shared by every command that loads an env set. */
export interface AliasArgs {
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
  catalog?: string | undefined;
}

/** Adds --alias and --alias-file. */
export function withAliasOptions<T>(yargs: Argv<T>): Argv<T & AliasArgs> {
  return yargs
    .option('alias', {
      type: 'string',
      array: true,
      description: 'map one of your names onto a catalog name, e.g. OKTA_SCIM_URL=SCIM_API_BASE_URL (repeatable)',
    })
    .option('alias-file', {
      type: 'string',
      description: 'file of THEIR_NAME=SCIM_NAME lines, applied like --alias',
    })
    .option('catalog', {
      type: 'string',
      description: 'JSON or YAML file of your own variables (type, default, secret, description, usage: none, { alias: SCIM_NAME } or { switch: STAGE })',
    }) as Argv<T & AliasArgs>;
}

/** Reads the aliases given by --alias-file and --alias (flags win). */
export async function readAliases(args: AliasArgs, io: CliIO): Promise<Map<string, string>> {
  const lines: Array<{ text: string; location: SourceLocation }> = [];
  if (args.catalog) lines.push(...(await useCatalogFile(args.catalog, io)).aliases);
  if (args['alias-file']) lines.push(...(await loadAliasFile(args['alias-file'], io.cwd)));
  (args.alias ?? []).forEach((text, i) => lines.push({ text, location: { file: `--alias #${i + 1}` } }));
  return parseAliases(lines);
}

/** Loads the env set the flags name: files layered in order, --set on top. */
export async function loadFromArgs(files: readonly string[], sets: readonly string[], args: AliasArgs, io: CliIO): Promise<EnvSet> {
  const set = await loadEnvSet({ files, sets, aliases: await readAliases(args, io), cwd: io.cwd, processEnv: io.env });
  // Before anything is validated or sent: every message from here on may quote these values.
  io.redactor?.addEnvSet(set);
  return set;
}

/**
 * Reads `--catalog FILE` and adds its variables to the catalog for this invocation (decision 052),
 * so validation, redaction, diff and attribution treat them as built-in ones. Every problem of the
 * file ends the command at once (exit 1), each with its line.
 */
export async function useCatalogFile(file: string, io: CliIO): Promise<UserCatalog> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new UserError('catalog-unreadable', `Failed to read catalog ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
      location: { file },
      hint: 'Pass a JSON or YAML file with a top-level `variables:` list.',
    });
  }
  // The YAML parser loads only for a --catalog file.
  const { parseCatalogFile } = await import('../env/catalog-file.js');
  const parsed = parseCatalogFile(text, file);
  if (!parsed.ok) {
    const line = Number(/:(\d+):/.exec(parsed.problems[0] ?? '')?.[1] ?? 1);
    throw new UserError('catalog-invalid', `Failed to read catalog ${file}: ${parsed.problems.length === 1 ? 'a problem' : `${parsed.problems.length} problems`}.`, {
      location: { file, line },
      details: parsed.problems,
      hint: 'Give each variable a name, type, description and usage (none, { alias: SCIM_NAME } or { switch: STAGE }); see the README.',
    });
  }
  registerUserVariables(parsed.catalog.variables);
  return parsed.catalog;
}
