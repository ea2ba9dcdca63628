import type { Argv } from 'yargs';
import type { ScimSettings } from '../../env/settings.js';
import { UserError } from '../../errors/user-error.js';
import { checkLiveConsent } from '../../target/production.js';
import type { RequestBudget } from '../../run/execute.js';
import { REPORT_FORMATS, type ReportFormat } from '../../report/reporters.js';
import { DIALECT_NAMES, getDialect, type DialectName } from '../../scim/dialects.js';
import { withAliasOptions } from '../env-options.js';
import type { CliIO } from '../io.js';

/** The flags run, rehearse and load share (see withSharedRunOptions). */
export interface SharedRunArgs extends LiveArgs {
  scenario?: string | undefined;
  users: number;
  seed: number;
  target: 'mock' | 'live';
  'server-profile'?: string | undefined;
  dialect: DialectName;
  collisions: number;
  format: ReportFormat;
  out?: string | undefined;
  /** FORMAT=FILE, repeatable: further renderings of the same report. */
  report?: string[] | undefined;
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
  catalog?: string | undefined;
}

/** The live-safety flags every live command shares. */
export interface LiveArgs {
  'max-requests'?: number | undefined;
  keep: boolean;
  'allow-production'?: string[] | undefined;
  'production-pattern'?: string[] | undefined;
}

/** Flags of run and load: the common ones and --baseline. */
export function withRunOptions<T>(yargs: Argv<T>) {
  return withSharedRunOptions(yargs).option('baseline', {
    type: 'string',
    array: true,
    description: 'mock: build the world for this env set (its base path, tenant and credentials) instead of --env',
  });
}

/** The common flags without --baseline (rehearse builds its world for --base). */
export function withSharedRunOptions<T>(yargs: Argv<T>) {
  return withAliasOptions(yargs)
    .option('scenario', { type: 'string', description: 'scenario YAML (default: scenarios/lifecycle.yaml)' })
    .option('users', { type: 'number', default: 1000, description: 'synthetic users' })
    .option('seed', { type: 'number', default: 1, description: 'seed of users, selections, latency and faults' })
    .option('target', { choices: ['mock', 'live'] as const, default: 'mock' as const, description: 'the embedded mock, or the live endpoint of the env set' })
    .option('server-profile', {
      type: 'string',
      description: 'mock world profile JSON (default: fixtures/servers/staging.json, realistic: latency, a rate limit, a page cap; fixtures/servers/default.json is the RFC-ideal world)',
    })
    .option('dialect', { choices: DIALECT_NAMES, default: 'rfc' as DialectName, description: 'shape requests as this identity provider does' })
    .option('collisions', { type: 'number', default: 0, description: 'add this many users whose userName differs only in case from another' })
    .option('format', { choices: REPORT_FORMATS, default: 'table' as const, description: 'report format' })
    .option('out', { type: 'string', description: 'write the report to this file as well' })
    .option('report', { type: 'string', array: true, description: `FORMAT=FILE: write the report in this format to this file as well (${REPORT_FORMATS.join(', ')}); repeat for several` })
    .option('max-requests', { type: 'number', description: 'live: stop the scenario after this many requests (cleanup is always allowed)' })
    .option('keep', { type: 'boolean', default: false, description: 'live: leave the synthetic accounts on the target (remove them later with scimsim cleanup)' })
    .option('allow-production', { type: 'string', array: true, description: 'live: consent to write to this production-looking host' })
    .option('production-pattern', { type: 'string', array: true, description: 'live: host regex that means production (replaces the defaults: prod, production, prd)' });
}

/** Refuses production-looking targets without consent, and reads --max-requests. */
export function liveSafety(args: LiveArgs & { target: 'mock' | 'live' }, settings: ScimSettings): { budget?: RequestBudget; keep: boolean } {
  const cap = args['max-requests'];
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1)) throw new UserError('bad-flags', `Failed to run: --max-requests ${cap} is not a whole number of at least 1.`);
  if (args.target !== 'live') return { keep: false };
  checkLiveConsent(settings, { patterns: args['production-pattern'], allow: args['allow-production'] });
  return { ...(cap !== undefined ? { budget: { limit: cap, used: 0 } } : {}), keep: args.keep };
}

/** Says which variables the dialect overrides: they have no effect in this run. */
export function noteIgnoredVariables(io: CliIO, name: DialectName): void {
  for (const [variable, why] of Object.entries(getDialect(name).ignores)) io.stderr.write(`note: ${variable} has no effect under --dialect ${name}: ${why}.\n`);
}

export function checkCounts(args: Pick<SharedRunArgs, 'users' | 'seed' | 'collisions'>): void {
  if (!Number.isInteger(args.users) || args.users < 1 || args.users > 1_000_000) {
    throw new UserError('bad-flags', `Failed to run: --users ${args.users} is not a whole number from 1 to 1,000,000.`);
  }
  if (!Number.isInteger(args.seed)) throw new UserError('bad-flags', `Failed to run: --seed ${args.seed} is not a whole number.`);
  if (!Number.isInteger(args.collisions) || args.collisions < 0 || args.collisions >= args.users) {
    throw new UserError('bad-flags', `Failed to run: --collisions ${args.collisions} must be a whole number below --users.`);
  }
}
