import { formatLocation, UserError } from '../errors/user-error.js';
import { resolveSettings, type ScimSettings } from '../env/settings.js';
import { validateEnvSet } from '../env/validate.js';
import type { EnvSet } from '../env/load.js';
import { loadFromArgs, type AliasArgs } from './env-options.js';
import type { CliIO } from './io.js';
import { withProxy } from './network.js';

/**
 * Loads an env set for a command that must run with it: a set `check` calls invalid cannot be
 * simulated, so its errors end the command (exit 1) with every error and where it is.
 */
export async function loadValidSettings(files: readonly string[], sets: readonly string[], aliases: AliasArgs, io: CliIO, flag: string): Promise<ScimSettings> {
  return (await loadValidEnvSet(files, sets, aliases, io, flag)).settings;
}

/** As loadValidSettings, keeping the env set itself (values with their sources) as well. */
export async function loadValidEnvSet(files: readonly string[], sets: readonly string[], aliases: AliasArgs, io: CliIO, flag: string): Promise<{ set: EnvSet; settings: ScimSettings }> {
  const set = await loadFromArgs(files, sets, aliases, io);
  const { problems } = validateEnvSet(set);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new UserError('env-invalid', `Failed to load ${flag} ${files.join(' ')}: the env set is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}).`, {
      details: errors.map((p) => `${p.location ? `${formatLocation(p.location)}: ` : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`),
      hint: `Run scimsim check --env ${files.join(' --env ')} for the full report.`,
    });
  }
  return { set, settings: withProxy(resolveSettings(set), io) };
}
