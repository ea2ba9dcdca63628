import type { Argv } from 'yargs';
import { diffEnvSets } from '../../env/diff.js';
import { DIFF_FORMATS, diffReporters } from '../../report/env-reporters.js';
import { EXIT, type CommandContext } from '../context.js';
import { emitReports, parseReportTargets } from '../emit.js';
import { loadFromArgs, withAliasOptions } from '../env-options.js';

interface DiffArgs {
  base: string[];
  candidate: string[];
  format: 'table' | 'json' | 'markdown';
  'detailed-exitcode': boolean;
  out?: string | undefined;
  report?: string[] | undefined;
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
  catalog?: string | undefined;
}

export function diffCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withAliasOptions(yargs)
        .option('base', { type: 'string', array: true, demandOption: true, description: 'baseline env file, or git:REV:path; repeat to layer' })
        .option('candidate', { type: 'string', array: true, demandOption: true, description: 'candidate env file, or git:REV:path; repeat to layer' })
        .option('format', { choices: ['table', 'json', 'markdown'] as const, default: 'table' as const, description: 'report format' })
        .option('detailed-exitcode', { type: 'boolean', default: false, description: 'exit 2 when there are changes (as terraform plan -detailed-exitcode)' })
        .option('out', { type: 'string', description: 'write the report to this file as well' })
        .option('report', { type: 'string', array: true, description: 'FORMAT=FILE: write the report in this format to this file as well (table, json, markdown); repeat for several' })
        .example('$0 diff --base fixtures/env/baseline.env --candidate fixtures/env/candidate.env', 'what the candidate changes')
        .example('$0 diff --base git:HEAD~1:env/staging.env --candidate env/staging.env --detailed-exitcode', 'gate CI on a changed env file'),
    handler: async (args: DiffArgs) => {
      const reports = parseReportTargets(args.report, DIFF_FORMATS, args.out);
      const [base, candidate] = await Promise.all([
        loadFromArgs(args.base, [], args, ctx.io),
        loadFromArgs(args.candidate, [], args, ctx.io),
      ]);
      const diff = diffEnvSets(base, candidate);
      const labels = { base: args.base.join(' + '), candidate: args.candidate.join(' + ') };
      await emitReports(ctx.io, diffReporters, { diff, labels }, { format: args.format, out: args.out, reports });
      ctx.exitCode = args['detailed-exitcode'] && diff.changes.length > 0 ? EXIT.found : EXIT.ok;
    },
  };
}
