import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import { UserError } from '../../errors/user-error.js';
import { isEntraDialect } from '../../rehearse/quarantine.js';
import { RehearseBudgetExceeded, RehearseInterrupted, RehearseTargetDirty, rehearse } from '../../rehearse/engine.js';
import type { RehearseReport } from '../../rehearse/types.js';
import { rehearseReporters, REPORT_FORMATS } from '../../report/reporters.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../scenario/load-scenario.js';
import { untilInterrupted } from '../interrupt.js';
import { EXIT, type CommandContext } from '../context.js';
import { emitReports, parseReportTargets, type ReportTarget } from '../emit.js';
import type { CliIO } from '../io.js';
import { checkCounts, liveSafety, noteIgnoredVariables, withSharedRunOptions, type SharedRunArgs } from '../options/run-options.js';
import { envLabel, labelWithSets, loadWorldProfile } from '../options/world.js';
import { loadValidEnvSet } from '../valid-settings.js';
import { connectorFromArgs, rehearseConnector, withConnectorOptions, type ConnectorArgs } from '../options/connector.js';

export interface RehearseArgs extends SharedRunArgs, ConnectorArgs {
  base: string[];
  candidate: string[];
  /** K=V on top of the candidate's files. */
  set?: string[] | undefined;
  couple?: string[] | undefined;
  'max-runs'?: number | undefined;
  strict: boolean;
  workers?: number | undefined;
  'accidental-deletions-threshold'?: number | undefined;
}

export function rehearseCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withConnectorOptions(withSharedRunOptions(yargs))
        .option('base', { type: 'string', array: true, demandOption: true, description: 'the env set in use today; later files win' })
        .option('candidate', { type: 'string', array: true, demandOption: true, description: 'the env set you want to ship; later files win' })
        .option('set', { type: 'string', array: true, description: 'K=V applied to the candidate, over every --candidate file (try a variation without writing a file)' })
        .option('couple', { type: 'string', array: true, description: 'A,B: these variables change together (on top of the auth and endpoint couplings)' })
        .option('max-runs', { type: 'number', description: 'replay budget (default 2 + 2(n-1) + n + n² + 3n for n change units); accounts left unexplained are counted' })
        .option('strict', { type: 'boolean', default: false, description: 'exit 2 on an inconclusive verdict too (a change the world cannot judge, unverified or unexplained accounts)' })
        .option('workers', { type: 'number', description: 'mock: replay independent runs in this many worker threads (default: the cores, at most 4; 1 = this thread)' })
        .option('accidental-deletions-threshold', { type: 'number', description: "--dialect entra: the job's accidental-deletions threshold, deletes or disables per cycle (Entra's default 500)" })
        .example('$0 rehearse --base fixtures/env/baseline.env --candidate fixtures/env/candidate.env', 'the demo (npm start), in the realistic staging world built for the base')
        .example('$0 rehearse --base prod.env --candidate prod.env --set SCIM_PAGE_SIZE=500', 'try one variation without writing a file')
        .example('$0 rehearse --base prod.env --candidate next.env --format markdown >> "$GITHUB_STEP_SUMMARY"', 'a pull-request check'),
    handler: async (args: RehearseArgs) => {
      ctx.exitCode = await runRehearse(args, ctx.io);
    },
  };
}

async function runRehearse(args: RehearseArgs, io: CliIO): Promise<number> {
  checkCounts(args);
  const reports = parseReportTargets(args.report, REPORT_FORMATS, args.out);
  const maxRuns = args['max-runs'];
  if (maxRuns !== undefined && (!Number.isInteger(maxRuns) || maxRuns < 2)) {
    throw new UserError('bad-flags', `Failed to rehearse: --max-runs ${args['max-runs']} must be a whole number of at least 2 (the baseline and the candidate).`);
  }
  const couplings = (args.couple ?? []).map((text) => {
    const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (names.length < 2) throw new UserError('bad-flags', `Failed to rehearse: --couple ${text} names fewer than two variables.`, { hint: 'Write --couple SCIM_MAX_CONCURRENCY,SCIM_RATE_LIMIT_RPS.' });
    return names;
  });
  const deletionThreshold = args['accidental-deletions-threshold'];
  if (deletionThreshold !== undefined && !(Number.isInteger(deletionThreshold) && deletionThreshold >= 0)) {
    throw new UserError('bad-flags', `Failed to rehearse: --accidental-deletions-threshold ${deletionThreshold} must be a whole number of deletes or disables, 0 or more.`);
  }
  if (deletionThreshold !== undefined && !isEntraDialect(args.dialect)) io.stderr.write(`note: --accidental-deletions-threshold is Entra's setting; it has no effect under --dialect ${args.dialect}.\n`);
  const connector = connectorFromArgs(args, io, 'rehearse');
  const base = await loadValidEnvSet(args.base, [], args, io, '--base');
  const candidate = await loadValidEnvSet(args.candidate, args.set ?? [], args, io, '--candidate');
  const scenario = await loadScenario(args.scenario ?? DEFAULT_SCENARIO_PATH, io.cwd);
  noteIgnoredVariables(io, args.dialect);
  if (args.target === 'live' && args.keep) {
    throw new UserError('bad-flags', 'Failed to rehearse: --keep would leave each replay\'s accounts in the way of the next one.', {
      hint: 'A live rehearsal removes what every replay created before the next starts; to inspect accounts, use scimsim run --target live --keep.',
    });
  }
  const safety = liveSafety(args, base.settings);
  liveSafety(args, candidate.settings);
  // The world is built for the env set in use today: its base path, tenant and credentials.
  const profile = args.target === 'mock' ? await loadWorldProfile(args['server-profile'], io) : undefined;
  const world = profile && { profile, name: profile.name, builtFor: envLabel(args.base) };
  const progress = createProgress(io);
  try {
    const report = await untilInterrupted(async (signal) => rehearse({
      base: base.set,
      candidate: candidate.set,
      labels: { base: envLabel(args.base), candidate: labelWithSets(args.candidate, args.set ?? []) },
      scenario,
      users: args.users,
      seed: args.seed,
      dialect: args.dialect,
      collisions: args.collisions,
      target: args.target,
      ...(world ? { world } : {}),
      couplings,
      proxy: base.settings.proxy,
      ...(maxRuns !== undefined ? { maxRuns } : {}),
      workers: workerCount(args.workers),
      ...(deletionThreshold !== undefined ? { deletionThreshold } : {}),
      ...(connector ? { connector: await rehearseConnector(connector, base.set, candidate.set, signal) } : {}),
      onRun: progress.update,
      onRunId: (id) => {
        progress.stop();
        io.stderr.write(`run id: ${id}\n`);
      },
      signal,
      cwd: io.cwd,
      ...safety,
    }), {
      onStop: () => io.stderr.write('scimsim: stopping: letting requests in flight finish, then cleaning up (interrupt again to exit at once).\n'),
      onForce: () => io.stderr.write('scimsim: stopped at once; the journals stay for scimsim cleanup.\n'),
    });
    progress.stop();
    await emitRehearseReport(io, report, args.format, args.out, reports);
    if (report.verdict === 'inconclusive') {
      io.stderr.write(`scimsim: warning: the verdict is inconclusive: ${report.caveats.join('; ')}.${args.strict ? '' : ' (exit 0; --strict makes it exit 2)'}\n`);
      return args.strict ? EXIT.found : EXIT.ok;
    }
    return report.verdict === 'safe' ? EXIT.ok : EXIT.found;
  } catch (error) {
    progress.stop();
    if (error instanceof RehearseTargetDirty) {
      const shown = error.left.slice(0, 5).map((l) => `${l.kind} ${l.id ?? l.userName ?? '?'} (${l.reason})`);
      throw new UserError('target-dirty', `Failed to rehearse: replay ${error.runId} could not bring the target back to its starting state; ${error.left.length} resource${error.left.length === 1 ? ' is' : 's are'} left, so no later replay ran.`, {
        details: [...shown, ...(error.left.length > shown.length ? [`and ${error.left.length - shown.length} more`] : [])],
        hint: `Remove them with: scimsim cleanup ${args.base.map((f) => `--env ${f}`).join(' ')} --run-id ${error.runId}`,
      });
    }
    if (error instanceof RehearseInterrupted) {
      io.stderr.write('scimsim: interrupted: the replay in progress stopped cleanly; no attribution is reported, since it would rest on unfinished runs.\n');
      return EXIT.interrupted;
    }
    if (error instanceof RehearseBudgetExceeded) {
      throw new UserError('bad-flags', `Failed to rehearse: --max-runs ${args['max-runs'] ?? '(default)'} or --max-requests ${args['max-requests'] ?? '(none)'} does not leave room for the baseline and candidate runs.`, {
        hint: 'Raise the limit, or rehearse fewer --users.',
      });
    }
    throw error;
  }
}

/** Prints a rehearsal report in the chosen format (and writes --out and every --report file). */
export async function emitRehearseReport(io: CliIO, report: RehearseReport, format: RehearseArgs['format'], out: string | undefined, reports: readonly ReportTarget<RehearseArgs['format']>[] = []): Promise<void> {
  await emitReports(io, rehearseReporters, report, { format, out, reports });
}

/** One status line on stderr for a person at a terminal; nothing in CI logs or pipes. */
function createProgress(io: CliIO): { update: (label: string, runs: number) => void; stop: () => void } {
  if (io.stderr.isTTY !== true || io.env.CI !== undefined) return { update: () => undefined, stop: () => undefined };
  let shown = false;
  return {
    update: (label, runs) => {
      io.stderr.write(`\r\u001b[2Kreplay ${runs}: ${label}`);
      shown = true;
    },
    stop: () => {
      if (shown) io.stderr.write('\r\u001b[2K');
      shown = false;
    },
  };
}

/** --workers, or the machine's cores (at most 4: past that, replays wait on memory bandwidth). */
function workerCount(flag: number | undefined): number {
  if (flag === undefined) return Math.min(4, availableParallelism());
  if (!Number.isInteger(flag) || flag < 1 || flag > 64) throw new UserError('bad-flags', `Failed to rehearse: --workers ${flag} is not a whole number from 1 to 64.`);
  return flag;
}
