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

interface MergeArgs {
  files?: string[] | undefined;
  format: 'table' | 'json' | 'markdown' | 'junit';
  out?: string | undefined;
}

/** `scimsim report merge`: one report from the JSON reports of a sharded load test. */
export function reportCommand(ctx: CommandContext) {
  return {
    command: 'report <action>',
    describe: 'Work with saved reports: merge the shard reports of a sharded load test',
    builder: (yargs: Argv) =>
      yargs
        .command({
          command: 'merge <files..>',
          describe: 'Combine the JSON reports of `scimsim load --shard i/n` exactly (counts added, histograms merged) and check the thresholds again',
          builder: (y: Argv) =>
            y
              .positional('files', { type: 'string', array: true, description: 'shard reports (scimsim load --shard i/n --format json --out FILE)' })
              .option('format', { choices: ['table', 'json', 'markdown', 'junit'] as const, default: 'table' as const, description: 'report format' })
              .option('out', { type: 'string', description: 'write the merged report to this file as well' })
              .example('$0 report merge shard-*.json --format junit --out load.xml', 'one verdict for CI from every shard'),
          handler: async (args: MergeArgs) => {
            ctx.exitCode = await runMerge(args, ctx.io);
          },
        })
        .demandCommand(1, 'Name an action: merge.'),
    handler: () => undefined,
  };
}

/** A shard report is a few hundred KiB; a file past this is not one. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

async function runMerge(args: MergeArgs, io: CliIO): Promise<number> {
  const reports = [];
  const files = args.files ?? [];
  if (files.length > MAX_SHARDS) throw new UserError('bad-flags', `Failed to merge: ${files.length} files given; a load test has at most ${MAX_SHARDS} shards.`);
  for (const file of files) {
    let text: string;
    try {
      const info = await stat(resolve(io.cwd, file));
      if (!info.isFile()) throw new UserError('bad-report', `Failed to merge: ${file} is not a regular file.`, { location: { file } });
      if (info.size > MAX_REPORT_BYTES) throw new UserError('bad-report', `Failed to merge: ${file} is larger than ${MAX_REPORT_BYTES / 1024 / 1024} MiB, too large for a shard report.`, { location: { file } });
      text = await readFile(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError('unreadable', `Failed to read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`, { location: { file }, cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new UserError('bad-report', `Failed to merge: ${file} is not JSON (${capMessage((error as Error).message, 120)}).`, { location: { file }, hint: 'Write shard reports with --format json --out FILE; the table format cannot be merged.' });
    }
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
  await emitLoadReport(io, merged, args.format, args.out);
  return passed(merged) ? EXIT.ok : EXIT.found;
}
