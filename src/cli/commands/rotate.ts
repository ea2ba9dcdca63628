import type { Argv } from 'yargs';
import { UserError } from '../../errors/user-error.js';
import { diffEnvSets } from '../../env/diff.js';
import { catalog } from '../../env/catalog.js';
import { DEFAULT_PROFILE_PATH, loadProfile } from '../../mock/profile/load-profile.js';
import { resolveProfile } from '../../mock/profile/resolve-profile.js';
import { renderRotationJson, renderRotationTable } from '../../report/rotate.js';
import { createColors } from '../../report/style.js';
import { rehearseRotation } from '../../rotate/rotate.js';
import { DIALECT_NAMES, type DialectName } from '../../scim/dialects.js';
import { EXIT, type CommandContext } from '../context.js';
import { emitReport } from '../emit.js';
import { withAliasOptions } from '../env-options.js';
import { untilInterrupted } from '../interrupt.js';
import { colorsFor, type CliIO } from '../io.js';
import { loadValidEnvSet } from '../valid-settings.js';
import { parseDuration } from '../options/duration.js';

export interface RotateArgs {
  env: string[];
  next: string[];
  target: 'mock' | 'live';
  'server-profile'?: string | undefined;
  rate: number;
  duration: string;
  'switch-at': string;
  'next-valid-from': string;
  'revoke-at'?: string | undefined;
  dialect: DialectName;
  seed: number;
  format: 'table' | 'json';
  out?: string | undefined;
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
  catalog?: string | undefined;
}

export function rotateCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withAliasOptions(yargs)
        .option('env', { type: 'string', array: true, demandOption: true, description: 'the env set in use, with the current credential' })
        .option('next', { type: 'string', array: true, demandOption: true, description: 'the env set with the next token or OAuth client secret' })
        .option('target', { choices: ['mock', 'live'] as const, default: 'mock' as const, description: 'the embedded mock (virtual time), or the live endpoint (read-only traffic)' })
        .option('server-profile', { type: 'string', description: 'mock world profile JSON (default: fixtures/servers/default.json)' })
        .option('rate', { type: 'number', default: 5, description: 'read requests per second' })
        .option('duration', { type: 'string', default: '10m', description: 'how long: 90 (s), 30s, 10m, 1m30s, 2h (k6 forms)' })
        .option('switch-at', { type: 'string', default: '50%', description: 'when traffic moves to the next credential (time or % of --duration)' })
        .option('next-valid-from', { type: 'string', default: '0%', description: 'mock: when the target starts accepting the next credential' })
        .option('revoke-at', { type: 'string', description: 'mock: when the target revokes the current credential (default: 80%)' })
        .option('dialect', { choices: DIALECT_NAMES, default: 'rfc' as DialectName, description: 'request shape (User-Agent)' })
        .option('seed', { type: 'number', default: 1, description: 'seed of latency and faults (mock)' })
        .option('format', { choices: ['table', 'json'] as const, default: 'table' as const, description: 'report format' })
        .option('out', { type: 'string', description: 'write the report to this file as well' })
        .example('$0 rotate --env staging.env --next staging-next-token.env', 'switch at 5 min, revoke at 8 min, on the mock')
        .example('$0 rotate --env staging.env --next next.env --switch-at 40% --next-valid-from 60%', 'what happens when the target learns the token late'),
    handler: async (args: RotateArgs) => {
      ctx.exitCode = await runRotate(args, ctx.io);
    },
  };
}

async function runRotate(args: RotateArgs, io: CliIO): Promise<number> {
  const durationMs = parseDuration(args.duration, '--duration');
  const at = (value: string, flag: string): number => parseMoment(value, durationMs, flag);
  if (!(args.rate > 0) || args.rate > 10_000) throw new UserError('bad-flags', `Failed to rotate: --rate ${args.rate} must be above 0 and at most 10000 requests per second.`);
  const current = await loadValidEnvSet(args.env, [], args, io, '--env');
  const next = await loadValidEnvSet(args.next, [], args, io, '--next');
  const changes = diffEnvSets(current.set, next.set).changes;
  const credential = changes.filter((c) => catalog.get(c.variable)?.unit === 'auth');
  if (credential.length === 0) throw new UserError('bad-flags', 'Failed to rotate: --next has the same credentials as --env.', { hint: 'Put the next SCIM_AUTH_TOKEN (or SCIM_OAUTH_CLIENT_SECRET) in the --next env set.' });
  if (current.settings.auth.mode !== next.settings.auth.mode) throw new UserError('bad-flags', 'Failed to rotate: --env and --next use different SCIM_AUTH_MODE; a rotation keeps the mode and changes the secret.');
  const ignored = changes.filter((c) => catalog.get(c.variable)?.unit !== 'auth').map((c) => c.variable);
  if (ignored.length > 0) io.stderr.write(`note: rotate uses only the credentials of --next; it ignores ${ignored.join(', ')}.\n`);
  const world =
    args.target === 'mock'
      ? {
          profile: resolveProfile(await loadProfile(args['server-profile'] ?? DEFAULT_PROFILE_PATH, io.cwd)),
          nextValidFromMs: at(args['next-valid-from'], '--next-valid-from'),
          revokeAtMs: at(args['revoke-at'] ?? '80%', '--revoke-at'),
        }
      : undefined;
  if (args.target === 'live' && (args['revoke-at'] !== undefined || args['next-valid-from'] !== '0%')) {
    io.stderr.write('note: --next-valid-from and --revoke-at shape the mock world; on a live target, do them on the target while the rehearsal runs.\n');
  }
  const report = await untilInterrupted((signal) =>
    rehearseRotation({
      current: current.settings,
      next: { ...current.settings, auth: next.settings.auth },
      target: args.target,
      rate: args.rate,
      durationMs,
      switchAtMs: at(args['switch-at'], '--switch-at'),
      ...(world ? { world } : {}),
      dialect: args.dialect,
      seed: args.seed,
      signal,
    }),
  );
  if (args.format === 'json') await emitReport(io, renderRotationJson(report), args.out);
  else await emitReport(io, renderRotationTable(report, colorsFor(io.stdout, io.env)), args.out, renderRotationTable(report, createColors(false)));
  return report.verdict === 'zero-downtime' ? EXIT.ok : EXIT.found;
}

/** A moment within the rehearsal: a duration from its start, or a percentage of it (0 to 100%). */
function parseMoment(text: string, durationMs: number, flag: string): number {
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (percent) {
    const value = Number(percent[1]);
    if (value > 100) throw new UserError('bad-flags', `Failed to read ${flag} ${text}: a moment of the rehearsal is from 0% to 100% of --duration.`, { hint: 'Lengthen --duration to rehearse a later moment.' });
    return (value / 100) * durationMs;
  }
  if (/^\s*0\s*$/.test(text)) return 0;
  const ms = parseDuration(text, flag);
  if (ms > durationMs) throw new UserError('bad-flags', `Failed to read ${flag} ${text}: it is after the end of the rehearsal (--duration ${durationMs / 1000} s).`, { hint: 'Lengthen --duration, or give the moment as a percentage of it.' });
  return ms;
}
