import cliProgress from 'cli-progress';
import type { Argv } from 'yargs';
import { runReporters, REPORT_FORMATS } from '../../report/reporters.js';
import type { RunReport } from '../../report/run-report.js';
import { executeRun } from '../../run/execute.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../scenario/load-scenario.js';
import type { Step } from '../../scenario/types.js';
import { EXIT, type CommandContext } from '../context.js';
import { emitReports, parseReportTargets, type ReportTarget } from '../emit.js';
import type { CliIO } from '../io.js';
import { checkCounts, liveSafety, noteIgnoredVariables, withRunOptions, type SharedRunArgs } from '../options/run-options.js';
import { mockWorldFor } from '../options/world.js';
import { loadValidEnvSet } from '../valid-settings.js';
import { connectorFromArgs, runConnector, withConnectorOptions, type ConnectorArgs } from '../options/connector.js';
import { untilInterrupted } from '../interrupt.js';

export interface RunArgs extends SharedRunArgs, ConnectorArgs {
  env: string[];
  set?: string[] | undefined;
  baseline?: string[] | undefined;
}

export function runCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withConnectorOptions(withRunOptions(yargs))
        .option('env', { type: 'string', array: true, demandOption: true, description: 'env file(s); later files win' })
        .option('set', { type: 'string', array: true, description: 'K=V that wins over every file' })
        .example('$0 run --env staging.env --users 10000', 'your env set in the realistic staging world, built for its base path and credentials')
        .example('$0 run --env candidate.env --baseline staging.env --dialect entra', 'as Entra ID would, in a world built for the env set in use today')
        .example('$0 run --env staging.env --server-profile fixtures/servers/default.json', 'in the RFC-ideal world: no latency, no rate limit, no page cap'),
    handler: async (args: RunArgs) => {
      ctx.exitCode = await runRun(args, ctx.io);
    },
  };
}

async function runRun(args: RunArgs, io: CliIO): Promise<number> {
  checkCounts(args);
  const reports = parseReportTargets(args.report, REPORT_FORMATS, args.out);
  const connector = connectorFromArgs(args, io, 'run');
  const { set: envSet, settings } = await loadValidEnvSet(args.env, args.set ?? [], args, io, '--env');
  const scenario = await loadScenario(args.scenario ?? DEFAULT_SCENARIO_PATH, io.cwd);
  noteIgnoredVariables(io, args.dialect);
  const safety = liveSafety(args, settings);
  const world = await mockWorldFor(args, io);
  const progress = createProgress(io);
  try {
    const { report } = await untilInterrupted((signal) => connector && world ? runConnector({
      connector,
      envSet,
      scenario,
      users: args.users,
      seed: args.seed,
      dialect: args.dialect,
      collisions: args.collisions,
      world: { profile: world.profile, settings: world.settings },
      signal,
    }) : executeRun({
      settings,
      scenario,
      users: args.users,
      seed: args.seed,
      dialect: args.dialect,
      collisions: args.collisions,
      target: args.target,
      ...(world ? { world: { profile: world.profile, settings: world.settings } } : {}),
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
    await emitRunReport(io, world ? { ...report, world: { name: world.name, builtFor: world.builtFor } } : report, args.format, args.out, reports);
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

/** Prints a run report in the chosen format (and writes --out and every --report file). */
export async function emitRunReport(io: CliIO, report: RunReport, format: RunArgs['format'], out: string | undefined, reports: readonly ReportTarget<RunArgs['format']>[] = []): Promise<void> {
  await emitReports(io, runReporters, report, { format, out, reports });
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

