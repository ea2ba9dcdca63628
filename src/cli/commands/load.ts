import type { Argv } from 'yargs';
import { UserError } from '../../errors/user-error.js';
import { mixFromScenario, parseMix } from '../../load/mix.js';
import { buildLoadReport, passed, type LoadReport } from '../../load/report.js';
import { LoadRun, type LoadProgress } from '../../load/runner.js';
import { createPlan, type LoadPlan, type LoadStage } from '../../load/schedule.js';
import { parseThreshold } from '../../load/thresholds.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../scenario/load-scenario.js';
import { getDialect } from '../../scim/dialects.js';
import { effectiveSettings } from '../../scim/effective-settings.js';
import { EXIT, type CommandContext } from '../context.js';
import { emitLoadReport } from '../emit-load.js';
import { parseReportTargets } from '../emit.js';
import { REPORT_FORMATS } from '../../report/reporters.js';
import { untilInterrupted } from '../interrupt.js';
import type { CliIO } from '../io.js';
import { loadValidSettings } from '../valid-settings.js';
import { parseDuration } from '../options/duration.js';
import { checkCounts, liveSafety, noteIgnoredVariables, withRunOptions, type SharedRunArgs } from '../options/run-options.js';
import { mockWorldFor } from '../options/world.js';

interface LoadArgs extends SharedRunArgs {
  env: string[];
  set?: string[] | undefined;
  baseline?: string[] | undefined;
  rate?: number | undefined;
  duration?: string | undefined;
  stage?: string[] | undefined;
  threshold?: string[] | undefined;
  mix?: string | undefined;
  shard?: string | undefined;
  'abort-on-fail'?: boolean | undefined;
  'abort-grace'?: string | undefined;
}

export function loadCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withRunOptions(yargs)
        .option('users', { type: 'number', default: 1000, description: "population the scenario's mix is read from (each iteration creates a joiner of its own)" })
        .hide('collisions')
        .option('env', { type: 'string', array: true, demandOption: true, description: 'env file(s); later files win' })
        .option('set', { type: 'string', array: true, description: 'K=V that wins over every file' })
        .option('rate', { type: 'number', description: 'iterations started per second (each: a joiner looked up and created, then maybe moved, deactivated, a page listed)' })
        .option('duration', { type: 'string', description: 'how long at --rate: 90 (s), 500ms, 30s, 2m, 1m30s, 2h (k6 forms)' })
        .option('stage', { type: 'string', array: true, description: 'a ramp phase DURATION:RATE, from the previous rate (or --rate, or 0) to RATE; repeat for more' })
        .option('threshold', { type: 'string', array: true, description: "pass/fail criterion, e.g. 'create.p95<500' (iteration ms), 'create.server.p95<300' (server ms) or 'errors.rate<0.01'; a failed one exits 2; suffix :abort (or :abort=30s, a grace period) stops the test when it fails" })
        .option('abort-on-fail', { type: 'boolean', description: 'stop the test as soon as any threshold has definitely failed (k6 abortOnFail), clean up, exit 2' })
        .option('abort-grace', { type: 'string', description: 'with --abort-on-fail: do not abort before this much of the test has run (k6 delayAbortEval), e.g. 30s' })
        .option('mix', { type: 'string', description: 'chances per iteration, e.g. update=0.3,deactivate=0.1,list=0.02 (default: the scenario\'s proportions)' })
        .option('shard', { type: 'string', description: 'i/n: run shard i of n (1-based) of the same test; merge the JSON reports with scimsim report merge' })
        .example('$0 load --env staging.env --rate 20 --duration 2m --threshold "create.p95<500" --threshold "errors.rate<0.01"', 'a steady 20 joiners/s on the mock (the realistic staging world, built for staging.env)')
        .example('$0 load --env staging.env --stage 30s:50 --stage 2m:50 --stage 30s:0 --target live', 'ramp up, hold, ramp down against staging')
        .example('$0 load --env staging.env --rate 100 --duration 5m --shard 2/4 --format json --out shard-2.json', 'one of four shards'),
    handler: async (args: LoadArgs) => {
      ctx.exitCode = await runLoad(args, ctx.io);
    },
  };
}

/** `--rate` and `--duration` (constant) or `--stage D:R` (ramps, k6's ramping-arrival-rate). */
export function planFrom(args: Pick<LoadArgs, 'rate' | 'duration' | 'stage'>): LoadPlan {
  const rate = args.rate;
  if (rate !== undefined && !(Number.isFinite(rate) && rate >= 0 && rate <= 100_000)) {
    throw new UserError('bad-flags', `Failed to load: --rate ${rate} is not a rate from 0 to 100000 iterations per second.`);
  }
  const stages: LoadStage[] = [];
  if (args.stage && args.stage.length > 0) {
    if (args.duration !== undefined) throw new UserError('bad-flags', 'Failed to load: give --duration (a constant --rate) or --stage phases, not both.', { hint: "Hold a rate with a stage whose rate does not change, e.g. --stage 30s:50 --stage 2m:50." });
    let from = rate ?? 0;
    for (const text of args.stage) {
      const match = /^\s*([^:]+):\s*(\d+(\.\d+)?)\s*$/.exec(text);
      if (!match) throw new UserError('bad-flags', `Failed to read --stage ${text}: write DURATION:RATE, e.g. 30s:50.`);
      const to = Number(match[2]);
      if (to > 100_000) throw new UserError('bad-flags', `Failed to read --stage ${text}: ${to} iterations per second is above 100000.`);
      stages.push({ durationMs: parseDuration(match[1] as string, '--stage'), from, to });
      from = to;
    }
  } else {
    if (rate === undefined || args.duration === undefined) {
      throw new UserError('bad-flags', 'Failed to load: say how much load, with --rate and --duration, or with --stage phases.', { hint: 'e.g. --rate 20 --duration 2m, or --stage 30s:50 --stage 2m:50.' });
    }
    stages.push({ durationMs: parseDuration(args.duration, '--duration'), from: rate, to: rate });
  }
  const plan = createPlan(stages);
  if (plan.iterations === 0) throw new UserError('bad-flags', 'Failed to load: the schedule starts no iteration (every rate is 0).', { hint: 'Raise --rate or a --stage rate.' });
  if (plan.iterations > 50_000_000) throw new UserError('bad-flags', `Failed to load: the schedule starts ${plan.iterations.toLocaleString('en-US')} iterations; at most 50,000,000 per test.`, { hint: 'Shorten it, or split it with --shard across machines.' });
  return plan;
}

/** `2/4` -> shard index 1 of 4. */
export function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const i = Number(match?.[1]);
  const n = Number(match?.[2]);
  if (!match || n < 1 || i < 1 || i > n || n > 10_000) {
    throw new UserError('bad-flags', `Failed to read --shard ${text}: write i/n with 1 <= i <= n, e.g. 2/4.`, {
      hint: 'In a Kubernetes Indexed Job: --shard $((JOB_COMPLETION_INDEX+1))/$COMPLETIONS; in a CI matrix: --shard ${{ matrix.shard }}/4.',
    });
  }
  return { index: i - 1, count: n };
}

async function runLoad(args: LoadArgs, io: CliIO): Promise<number> {
  checkCounts(args);
  const reports = parseReportTargets(args.report, REPORT_FORMATS, args.out);
  if (args.collisions > 0) throw new UserError('bad-flags', 'Failed to load: --collisions is for run and rehearse; a load iteration creates one distinct joiner each.');
  const plan = planFrom(args);
  const shard = parseShard(args.shard);
  if (args['abort-grace'] !== undefined && args['abort-on-fail'] !== true) throw new UserError('bad-flags', 'Failed to load: --abort-grace goes with --abort-on-fail.', { hint: "Add --abort-on-fail, or give one threshold a grace period: --threshold 'create.p95<500:abort=30s'." });
  const graceMs = args['abort-grace'] === undefined ? 0 : parseDuration(args['abort-grace'], '--abort-grace');
  const parsed = (args.threshold ?? []).map((t) => {
    const threshold = parseThreshold(t);
    return args['abort-on-fail'] === true && !threshold.abort ? { ...threshold, abort: { graceMs } } : threshold;
  });
  if (args['abort-on-fail'] === true && parsed.length === 0) io.stderr.write('note: --abort-on-fail has no threshold to watch; give one with --threshold.\n');
  const thresholds = parsed.map((t) => t.expression);
  const settings = effectiveSettings(await loadValidSettings(args.env, args.set ?? [], args, io, '--env'), getDialect(args.dialect));
  const scenario = await loadScenario(args.scenario ?? DEFAULT_SCENARIO_PATH, io.cwd);
  noteIgnoredVariables(io, args.dialect);
  const base = mixFromScenario(scenario, args.users, args.seed, settings.pageSize);
  const mix = args.mix === undefined ? base : parseMix(args.mix, base);
  const safety = liveSafety(args, settings);
  const world = await mockWorldFor(args, io);
  const run = new LoadRun({
    settings,
    plan,
    mix,
    seed: args.seed,
    dialect: args.dialect,
    target: args.target,
    world: world && { profile: world.profile, settings: world.settings },
    shard,
    thresholds: parsed,
    onRunId: (id) => io.stderr.write(`run id: ${id}\n`),
    cwd: io.cwd,
    ...safety,
  });
  const progress = startProgress(io, run);
  let report: LoadReport;
  try {
    const result = await untilInterrupted(
      (signal) => run.execute(signal),
      {
        onStop: () => io.stderr.write('scimsim: stopping: no new iterations; letting requests in flight finish, then cleaning up (interrupt again to exit at once).\n'),
        onForce: () => io.stderr.write('scimsim: stopped at once; the journal stays for scimsim cleanup.\n'),
      },
    );
    const built = buildLoadReport(result, scenario.name, thresholds);
    report = world ? { ...built, world: { name: world.name, builtFor: world.builtFor } } : built;
  } finally {
    progress.stop();
  }
  await emitLoadReport(io, report, args.format, args.out, reports);
  if (report.aborted) {
    io.stderr.write(`scimsim: aborted: ${report.aborted.threshold} failed at ${Math.round(report.aborted.atMs / 100) / 10} s (--abort-on-fail).\n`);
    return EXIT.found;
  }
  if (report.partial && !report.capped) return EXIT.interrupted;
  if (report.capped) return EXIT.found;
  return passed(report) ? EXIT.ok : EXIT.found;
}

/** One progress line on stderr, redrawn in place, only for a person at a terminal. */
function startProgress(io: CliIO, run: LoadRun): { stop: () => void } {
  if (io.stderr.isTTY !== true || io.env.CI !== undefined) return { stop: () => undefined };
  const draw = (p: LoadProgress): void => {
    const done = Math.min(100, p.durationMs === 0 ? 100 : Math.floor((p.elapsedMs / p.durationMs) * 100));
    io.stderr.write(
      `\r\x1b[2K${String(done).padStart(3)}% · ${Math.round(p.elapsedMs / 1000)}s/${Math.round(p.durationMs / 1000)}s · ${p.started.toLocaleString('en-US')} iterations, ${p.inFlight} in flight, ${p.dropped} dropped · ${p.operations.toLocaleString('en-US')} operations, ${p.errors} errors`,
    );
  };
  draw(run.progress());
  const timer = setInterval(() => draw(run.progress()), 250);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      io.stderr.write('\r\x1b[2K');
    },
  };
}
