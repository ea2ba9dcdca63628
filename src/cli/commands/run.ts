import cliProgress from 'cli-progress';
import type { Argv } from 'yargs';
import { DEFAULT_PROFILE_PATH, loadProfile } from '../../mock/profile/load-profile.js';
import { resolveProfile, type ResolvedProfile } from '../../mock/profile/resolve-profile.js';
import { renderRunJson } from '../../report/run-json.js';
import { renderRunJUnit } from '../../report/run-junit.js';
import { renderRunMarkdown } from '../../report/run-markdown.js';
import type { RunReport } from '../../report/run-report.js';
import { renderRunTable } from '../../report/run-table.js';
import { createColors } from '../../report/style.js';
import { executeRun, type RequestBudget } from '../../run/execute.js';
import { checkLiveConsent } from '../../target/production.js';
import type { ScimSettings } from '../../env/settings.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../scenario/load-scenario.js';
import type { Step } from '../../scenario/types.js';
import { DIALECT_NAMES, getDialect, type DialectName } from '../../scim/dialects.js';
import { shippedFile } from '../../paths.js';
import { UserError } from '../../errors/user-error.js';
import { EXIT, type CommandContext } from '../context.js';
import { emitReport } from '../emit.js';
import { withAliasOptions } from '../env-options.js';
import { colorsFor, type CliIO } from '../io.js';
import { loadValidSettings } from '../valid-settings.js';
import { untilInterrupted } from '../interrupt.js';

export interface RunArgs extends LiveArgs {
  env: string[];
  set?: string[] | undefined;
  scenario?: string | undefined;
  users: number;
  seed: number;
  target: 'mock' | 'live';
  'server-profile'?: string | undefined;
  baseline?: string[] | undefined;
  dialect: DialectName;
  collisions: number;
  format: 'table' | 'json' | 'markdown' | 'junit';
  out?: string | undefined;
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
}

/** Flags shared by run, rehearse and load (CONTRACT.md). */
export function withRunOptions<T>(yargs: Argv<T>) {
  return withSharedRunOptions(yargs).option('baseline', {
    type: 'string',
    array: true,
    description: 'env set the mock world is built for: its base path and credentials (default: fixtures/env/baseline.env)',
  });
}

/** The common flags without --baseline (rehearse builds its world for --base). */
export function withSharedRunOptions<T>(yargs: Argv<T>) {
  return withAliasOptions(yargs)
    .option('scenario', { type: 'string', description: 'scenario YAML (default: scenarios/lifecycle.yaml)' })
    .option('users', { type: 'number', default: 1000, description: 'synthetic users' })
    .option('seed', { type: 'number', default: 1, description: 'seed of users, selections, latency and faults' })
    .option('target', { choices: ['mock', 'live'] as const, default: 'mock' as const, description: 'the embedded mock, or the live endpoint of the env set' })
    .option('server-profile', { type: 'string', description: 'mock world profile JSON (default: fixtures/servers/default.json)' })
    .option('dialect', { choices: DIALECT_NAMES, default: 'rfc' as DialectName, description: 'shape requests as this identity provider does' })
    .option('collisions', { type: 'number', default: 0, description: 'add this many users whose userName differs only in case from another' })
    .option('format', { choices: ['table', 'json', 'markdown', 'junit'] as const, default: 'table' as const, description: 'report format' })
    .option('out', { type: 'string', description: 'write the report to this file as well' })
    .option('max-requests', { type: 'number', description: 'live: stop the scenario after this many requests (cleanup is always allowed)' })
    .option('keep', { type: 'boolean', default: false, description: 'live: leave the synthetic accounts on the target (remove them later with scimsim cleanup)' })
    .option('allow-production', { type: 'string', array: true, description: 'live: consent to write to this production-looking host' })
    .option('production-pattern', { type: 'string', array: true, description: 'live: host regex that means production (replaces the defaults: prod, production, prd)' });
}

/** The live-safety flags every live command shares. */
export interface LiveArgs {
  'max-requests'?: number | undefined;
  keep: boolean;
  'allow-production'?: string[] | undefined;
  'production-pattern'?: string[] | undefined;
}

/** Refuses production-looking targets without consent, and reads --max-requests. */
export function liveSafety(args: LiveArgs & { target: 'mock' | 'live' }, settings: ScimSettings): { budget?: RequestBudget; keep: boolean } {
  const cap = args['max-requests'];
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1)) throw new UserError('bad-flags', `Failed to run: --max-requests ${cap} is not a whole number of at least 1.`);
  if (args.target !== 'live') return { keep: false };
  checkLiveConsent(settings, { patterns: args['production-pattern'], allow: args['allow-production'] });
  return { ...(cap !== undefined ? { budget: { limit: cap, used: 0 } } : {}), keep: args.keep };
}

export function runCommand(ctx: CommandContext) {
  return {
    command: 'run',
    describe: 'Replay a scenario with one env set and report per-account outcomes',
    builder: (yargs: Argv) =>
      withRunOptions(yargs)
        .option('env', { type: 'string', array: true, demandOption: true, description: 'env file(s); later files win' })
        .option('set', { type: 'string', array: true, description: 'K=V that wins over every file' })
        .example('$0 run --env fixtures/env/baseline.env --users 10000', 'the shipped baseline on the RFC-complete mock')
        .example('$0 run --env candidate.env --server-profile fixtures/servers/staging.json --dialect entra', 'as Entra ID would, in a realistic staging world'),
    handler: async (args: RunArgs) => {
      ctx.exitCode = await runRun(args, ctx.io);
    },
  };
}

async function runRun(args: RunArgs, io: CliIO): Promise<number> {
  checkCounts(args);
  const settings = await loadValidSettings(args.env, args.set ?? [], args, io, '--env');
  const scenario = await loadScenario(args.scenario ?? DEFAULT_SCENARIO_PATH, io.cwd);
  noteIgnoredVariables(io, args.dialect);
  const safety = liveSafety(args, settings);
  const world = await mockWorldFor(args, io);
  const progress = createProgress(io);
  try {
    const { report } = await untilInterrupted((signal) => executeRun({
      settings,
      scenario,
      users: args.users,
      seed: args.seed,
      dialect: args.dialect,
      collisions: args.collisions,
      target: args.target,
      ...(world ? { world } : {}),
      onProgress: progress.update,
      onRunId: (id) => io.stderr.write(`run id: ${id}\n`),
      signal,
      cwd: io.cwd,
      ...safety,
    }), {
      onStop: () => io.stderr.write('scimsim: stopping: letting requests in flight finish, then cleaning up (interrupt again to exit at once).\n'),
      onForce: () => io.stderr.write('scimsim: stopped at once; the journal stays for scimsim cleanup.\n'),
    });
    progress.stop();
    await emitRunReport(io, report, args.format, args.out);
    if (report.partial && !report.capped) return EXIT.interrupted;
    // A capped run did not finish: its outcome is unknown, which CI must not read as safe.
    if (report.capped) return EXIT.found;
    if (report.summary.blocked > 0) return EXIT.found;
    if (report.summary.unverified > 0) io.stderr.write(`warning: ${report.summary.unverified} account(s) could not be read back from the target: the run is inconclusive, not safe.\n`);
    return EXIT.ok;
  } finally {
    progress.stop();
  }
}

/** The embedded world of a mock run (the profile, built for the --baseline env set); none for live. */
export async function mockWorldFor(args: Pick<RunArgs, 'target' | 'server-profile' | 'baseline' | 'alias' | 'alias-file'>, io: CliIO): Promise<{ profile: ResolvedProfile; settings: ScimSettings } | undefined> {
  if (args.target !== 'mock') return undefined;
  return {
    profile: resolveProfile(await loadProfile(args['server-profile'] ?? DEFAULT_PROFILE_PATH, io.cwd)),
    settings: await loadValidSettings(args.baseline ?? [shippedFile('fixtures/env/baseline.env')], [], args, io, '--baseline'),
  };
}

/** Says which variables the dialect overrides: they have no effect in this run. */
export function noteIgnoredVariables(io: CliIO, name: DialectName): void {
  for (const [variable, why] of Object.entries(getDialect(name).ignores)) io.stderr.write(`note: ${variable} has no effect under --dialect ${name}: ${why}.\n`);
}

export function checkCounts(args: Pick<RunArgs, 'users' | 'seed' | 'collisions'>): void {
  if (!Number.isInteger(args.users) || args.users < 1 || args.users > 1_000_000) {
    throw new UserError('bad-flags', `Failed to run: --users ${args.users} is not a whole number from 1 to 1,000,000.`);
  }
  if (!Number.isInteger(args.seed)) throw new UserError('bad-flags', `Failed to run: --seed ${args.seed} is not a whole number.`);
  if (!Number.isInteger(args.collisions) || args.collisions < 0 || args.collisions >= args.users) {
    throw new UserError('bad-flags', `Failed to run: --collisions ${args.collisions} must be a whole number below --users.`);
  }
}

/** Prints a run report in the chosen format (and writes it to --out). */
export async function emitRunReport(io: CliIO, report: RunReport, format: RunArgs['format'], out: string | undefined): Promise<void> {
  if (format === 'json') return emitReport(io, renderRunJson(report), out);
  if (format === 'markdown') return emitReport(io, renderRunMarkdown(report), out);
  if (format === 'junit') return emitReport(io, renderRunJUnit(report), out);
  return emitReport(io, renderRunTable(report, colorsFor(io.stdout, io.env)), out, renderRunTable(report, createColors(false)));
}

/** A progress bar on stderr, only for a person at a terminal: none in CI logs or pipes. */
function createProgress(io: CliIO): { update: (step: Step, done: number, total: number) => void; stop: () => void } {
  if (io.stderr.isTTY !== true || io.env.CI !== undefined) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: '{step} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let current: Step | undefined;
  let running = false;
  return {
    update: (step, done, total) => {
      if (step !== current) {
        if (running) bar.stop();
        bar.start(total, done, { step: step.name.padEnd(10) });
        current = step;
        running = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

