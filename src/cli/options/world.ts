import type { ScimSettings } from '../../env/settings.js';
import { parseSetFlag } from '../../env/load.js';
import { UserError } from '../../errors/user-error.js';
import { loadProfile } from '../../mock/profile/load-profile.js';
import { resolveProfile, type ResolvedProfile } from '../../mock/profile/resolve-profile.js';
import { shippedFile } from '../../paths.js';
import { loadFromArgs, readAliases, type AliasArgs } from '../env-options.js';
import type { CliIO } from '../io.js';
import { loadValidSettings } from '../valid-settings.js';

/**
 * The world run, rehearse and load play on the embedded mock unless --server-profile names
 * another: a realistic staging (latency with a tail, a rate limit, a page cap, transient 5xx),
 * so that a change is tested against the limits it will meet. `scimsim mock` keeps the RFC-ideal
 * fixtures/servers/default.json.
 */
export const DEFAULT_WORLD_PATH = shippedFile('fixtures/servers/staging.json');

/** A mock world, and the env set it is built for (its base path, tenant and credentials). */
export interface MockWorld {
  profile: ResolvedProfile;
  settings: ScimSettings;
  /** The profile's name. */
  name: string;
  /** Label of the env set the world is built for, e.g. `staging.env` or `base.env + overrides.env`. */
  builtFor: string;
}

/** Loads and resolves the world profile: --server-profile, or the realistic default. */
export async function loadWorldProfile(path: string | undefined, io: CliIO): Promise<ResolvedProfile> {
  return resolveProfile(await loadProfile(path ?? DEFAULT_WORLD_PATH, io.cwd));
}

/** `a.env + b.env`: how reports name an env set given as files. */
export function envLabel(files: readonly string[]): string {
  return files.join(' + ');
}

/**
 * The world of a mock run or load (none for live), built for the user's own env files, or for
 * --baseline when given, so that a shipped fixture never stands in for the user's world.
 * A `--set` that overrides a file's value is a variation the world must judge, so the world is
 * built without it; a `--set` that supplies a value no file gives (a token kept out of files) is
 * part of the user's env set, and the world is built with it (named in the label, never its value).
 */
export async function mockWorldFor(
  args: AliasArgs & { target: 'mock' | 'live'; 'server-profile'?: string | undefined; baseline?: string[] | undefined; env: string[]; set?: string[] | undefined },
  io: CliIO,
): Promise<MockWorld | undefined> {
  if (args.target !== 'mock') return undefined;
  const profile = await loadWorldProfile(args['server-profile'], io);
  if (args.baseline) {
    return { profile, name: profile.name, settings: await loadValidSettings(args.baseline, [], args, io, '--baseline'), builtFor: envLabel(args.baseline) };
  }
  const sets = args.set ?? [];
  const fillIns = await setsNoFileGives(args.env, sets, args, io);
  try {
    return { profile, name: profile.name, settings: await loadValidSettings(args.env, fillIns, args, io, '--env'), builtFor: labelWithSets(args.env, fillIns) };
  } catch (error) {
    // Files that are only valid with the --set overrides on top (a page size out of range fixed
    // on the command line) are no env set of their own: the world is built for the whole.
    if (!(error instanceof UserError) || error.code !== 'env-invalid' || fillIns.length === sets.length) throw error;
    return { profile, name: profile.name, settings: await loadValidSettings(args.env, sets, args, io, '--env'), builtFor: labelWithSets(args.env, sets) };
  }
}

/** `staging.env + --set SCIM_AUTH_TOKEN`: the files, and the names (never the values) set on top. */
export function labelWithSets(files: readonly string[], sets: readonly string[]): string {
  const names = sets.map((text) => parseSetFlag(text).key);
  return `${envLabel(files)}${names.length > 0 ? ` + --set ${names.join(', ')}` : ''}`;
}

/** The `--set` flags whose variable no file of `files` gives. */
async function setsNoFileGives(files: readonly string[], sets: readonly string[], aliases: AliasArgs, io: CliIO): Promise<string[]> {
  if (sets.length === 0) return [];
  const fromFiles = new Set((await loadFromArgs(files, [], aliases, io)).values.keys());
  const map = await readAliases(aliases, io);
  return sets.filter((text) => {
    const { key } = parseSetFlag(text);
    return !fromFiles.has(map.get(key) ?? key);
  });
}
