import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UserError } from '../../errors/user-error.js';
import { loadReportFromJson, mergeLoadReports, passed } from '../../load/report.js';
import { MAX_SHARDS, validateLoadJson } from '../../report/validate-load-json.js';
import { capMessage } from '../../env/excerpt.js';
import { EXIT, type CommandContext } from '../context.js';
import type { CliIO } from '../io.js';
import { emitLoadReport } from '../emit-load.js';
import { emitReports, parseReportTargets } from '../emit.js';
import { loadReporters, rehearseReporters, REPORT_FORMATS, runReporters, type ReportFormat } from '../../report/reporters.js';
import { compareLoads, compareRehearsals, compareRuns, DEFAULT_LOAD_TOLERANCE, type Comparison } from '../../report/compare.js';
import { parseRehearseJson, parseRunJson, reportCommandOf, ReportShapeError } from '../../report/parse-report.js';
import type { LoadReport } from '../../load/report.js';
import type { RunReport } from '../../report/run-report.js';
import type { RehearseReport } from '../../rehearse/types.js';

interface RenderArgs {
  file: string;
  format: ReportFormat;
  out?: string | undefined;
  report?: string[] | undefined;
}

interface CompareArgs {
  old: string;
  new: string;
  'latency-tolerance': number;
  'error-tolerance': number;
}

interface MergeArgs {
  files?: string[] | undefined;
  format: ReportFormat;
  out?: string | undefined;
  report?: string[] | undefined;
}

/** `scimsim report merge`: one report from the JSON reports of a sharded load test. */
export function reportCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      yargs
        .command({
          command: 'render <file>',
          describe: 'Render a saved JSON report of run, rehearse or load in any of its formats',
          builder: (y: Argv) =>
            y
              .positional('file', { type: 'string', demandOption: true, description: 'a JSON report (scimsim run|rehearse|load --format json --out FILE)' })
              .option('format', { choices: REPORT_FORMATS, default: 'table' as const, description: 'report format' })
              .option('out', { type: 'string', description: 'write the report to this file as well' })
              .option('report', { type: 'string', array: true, description: 'FORMAT=FILE: write the report in this format to this file as well; repeat for several' })
              .example('$0 report render rehearsal.json --format markdown', 'a saved rehearsal as a pull-request comment'),
          handler: async (args: RenderArgs) => {
            ctx.exitCode = await runRender(args, ctx.io);
          },
        })
        .command({
          command: 'compare <old> <new>',
          describe: 'Compare two saved JSON reports of the same command; exit 2 on a regression (more blocked accounts; for load, a slower p95 or a higher error rate)',
          builder: (y: Argv) =>
            y
              .positional('old', { type: 'string', demandOption: true, description: 'the earlier JSON report' })
              .positional('new', { type: 'string', demandOption: true, description: 'the later JSON report' })
              .option('latency-tolerance', { type: 'number', default: DEFAULT_LOAD_TOLERANCE.latency, description: 'load: p95 may grow by this fraction before it is a regression (0.1 = 10 %)' })
              .option('error-tolerance', { type: 'number', default: DEFAULT_LOAD_TOLERANCE.errorRate, description: 'load: the error rate may grow by this much (0.005 = half a percentage point)' })
              .example('$0 report compare main.json branch.json', 'fail a pull request that blocks more accounts than main'),
          handler: async (args: CompareArgs) => {
            ctx.exitCode = await runCompare(args, ctx.io);
          },
        })
        .command({
          command: 'merge <files..>',
          describe: 'Combine the JSON reports of `scimsim load --shard i/n` exactly (counts added, histograms merged) and check the thresholds again',
          builder: (y: Argv) =>
            y
              .positional('files', { type: 'string', array: true, description: 'shard reports (scimsim load --shard i/n --format json --out FILE)' })
              .option('format', { choices: REPORT_FORMATS, default: 'table' as const, description: 'report format' })
              .option('out', { type: 'string', description: 'write the merged report to this file as well' })
              .option('report', { type: 'string', array: true, description: 'FORMAT=FILE: write the merged report in this format to this file as well; repeat for several' })
              .example('$0 report merge shard-*.json --format junit --out load.xml', 'one verdict for CI from every shard'),
          handler: async (args: MergeArgs) => {
            ctx.exitCode = await runMerge(args, ctx.io);
          },
        })
        .demandCommand(1, 'Name an action: render, compare or merge.'),
    handler: () => undefined,
  };
}

/** A shard report is a few hundred KiB; a file past this is not one. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

async function runMerge(args: MergeArgs, io: CliIO): Promise<number> {
  const targets = parseReportTargets(args.report, REPORT_FORMATS, args.out);
  const reports = [];
  const files = args.files ?? [];
  if (files.length > MAX_SHARDS) throw new UserError('bad-flags', `Failed to merge: ${files.length} files given; a load test has at most ${MAX_SHARDS} shards.`);
  for (const file of files) {
    const json = await readJsonReport(io, file, 'merge', 'Write shard reports with --format json --out FILE; the table format cannot be merged.');
    const problems = validateLoadJson(json);
    if (problems.length > 0) {
      throw new UserError('bad-report', `Failed to merge: ${file} is not a sound scimsim load report (${problems.length === 1 ? 'one problem' : `${problems.length} problems`}).`, {
        location: { file },
        details: problems,
        hint: 'Give the unedited JSON reports of `scimsim load --shard i/n --format json --out FILE`.',
      });
    }
    reports.push({ report: loadReportFromJson(json, file), file });
  }
  const merged = mergeLoadReports(reports);
  await emitLoadReport(io, merged, args.format, args.out, targets);
  return passed(merged) ? EXIT.ok : EXIT.found;
}

/** Reads a saved report file as JSON, refusing what is not a regular file of sane size or not JSON. */
async function readJsonReport(io: CliIO, file: string, verb: string, hint: string): Promise<unknown> {
  let text: string;
  try {
    const info = await stat(resolve(io.cwd, file));
    if (!info.isFile()) throw new UserError('bad-report', `Failed to ${verb}: ${file} is not a regular file.`, { location: { file } });
    if (info.size > MAX_REPORT_BYTES) throw new UserError('bad-report', `Failed to ${verb}: ${file} is larger than ${MAX_REPORT_BYTES / 1024 / 1024} MiB, too large for a report.`, { location: { file } });
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError('unreadable', `Failed to read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`, { location: { file }, cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError('bad-report', `Failed to ${verb}: ${file} is not JSON (${capMessage((error as Error).message, 120)}).`, { location: { file }, hint });
  }
}

type SavedReport = { kind: 'run'; report: RunReport } | { kind: 'rehearse'; report: RehearseReport } | { kind: 'load'; report: LoadReport };

const SAVED_HINT = 'Give the unedited JSON report of scimsim run, rehearse or load (--format json --out FILE, or --report json=FILE).';

/** A saved run, rehearse or load JSON report, validated and rebuilt into its report object. */
async function readSavedReport(io: CliIO, file: string, verb: string): Promise<SavedReport> {
  const json = await readJsonReport(io, file, verb, SAVED_HINT);
  const kind = reportCommandOf(json);
  const bad = (problems: readonly string[]): UserError =>
    new UserError('bad-report', `Failed to ${verb}: ${file} is not a sound scimsim ${kind ?? 'run, rehearse or load'} report.`, { location: { file }, details: problems, hint: SAVED_HINT });
  try {
    if (kind === 'run') return { kind, report: parseRunJson(json) };
    if (kind === 'rehearse') return { kind, report: parseRehearseJson(json) };
  } catch (error) {
    if (error instanceof ReportShapeError) throw bad([error.message]);
    throw error;
  }
  if (kind === 'load') {
    const problems = validateLoadJson(json);
    if (problems.length > 0) throw bad(problems);
    return { kind, report: loadReportFromJson(json, file) };
  }
  throw bad([kind === undefined ? 'it names no command' : `it is a ${kind} report; render reads run, rehearse and load reports`]);
}

async function runRender(args: RenderArgs, io: CliIO): Promise<number> {
  const reports = parseReportTargets(args.report, REPORT_FORMATS, args.out);
  const saved = await readSavedReport(io, args.file, 'render');
  const options = { format: args.format, out: args.out, reports };
  if (saved.kind === 'run') await emitReports(io, runReporters, saved.report, options);
  else if (saved.kind === 'rehearse') await emitReports(io, rehearseReporters, saved.report, options);
  else await emitReports(io, loadReporters, saved.report, options);
  return EXIT.ok;
}

async function runCompare(args: CompareArgs, io: CliIO): Promise<number> {
  const tolerance = { latency: args['latency-tolerance'], errorRate: args['error-tolerance'] };
  for (const [flag, value] of [['--latency-tolerance', tolerance.latency], ['--error-tolerance', tolerance.errorRate]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new UserError('bad-flags', `Failed to compare: ${flag} ${value} is not a number of at least 0.`);
  }
  const before = await readSavedReport(io, args.old, 'compare');
  const after = await readSavedReport(io, args.new, 'compare');
  let comparison: Comparison;
  if (before.kind === 'run' && after.kind === 'run') comparison = compareRuns(before.report, after.report);
  else if (before.kind === 'rehearse' && after.kind === 'rehearse') comparison = compareRehearsals(before.report, after.report);
  else if (before.kind === 'load' && after.kind === 'load') comparison = compareLoads(before.report, after.report, tolerance);
  else {
    throw new UserError('bad-report', `Failed to compare: ${args.old} is a ${before.kind} report and ${args.new} a ${after.kind} report.`, {
      hint: 'Compare two reports of the same command.',
    });
  }
  for (const line of comparison.compared) io.stdout.write(`${comparison.regressions.some((r) => r.startsWith(line)) ? 'regression' : 'ok        '}  ${line}\n`);
  if (comparison.regressions.length > 0) {
    io.stdout.write(`${comparison.regressions.length} regression${comparison.regressions.length === 1 ? '' : 's'} from ${args.old} to ${args.new}:\n`);
    for (const line of comparison.regressions) io.stdout.write(`  - ${line}\n`);
    return EXIT.found;
  }
  io.stdout.write(`no regression from ${args.old} to ${args.new}.\n`);
  return EXIT.ok;
}
