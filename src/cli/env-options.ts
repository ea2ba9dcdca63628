import type { Argv } from 'yargs';
import { loadAliasFile, loadEnvSet, parseAliases, type EnvSet } from '../env/load.js';
import type { SourceLocation } from '../errors/user-error.js';
import type { CliIO } from './io.js';

/** Flags shared by every command that loads an env set. */
export interface AliasArgs {
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
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
    }) as Argv<T & AliasArgs>;
}

/** Reads the aliases given by --alias-file and --alias (flags win). */
export async function readAliases(args: AliasArgs, io: CliIO): Promise<Map<string, string>> {
  const lines: Array<{ text: string; location: SourceLocation }> = [];
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
