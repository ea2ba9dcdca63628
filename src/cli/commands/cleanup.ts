import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { UserError } from '../../errors/user-error.js';
import { describeCleanup } from '../../target/cleanup.js';
import { checkJournalTarget, cleanJournalledRun } from '../../target/clean-run.js';
import { JOURNAL_DIR, listJournals, readJournal } from '../../target/journal.js';
import { checkLiveConsent } from '../../target/production.js';
import { EXIT, type CommandContext } from '../context.js';
import { withAliasOptions } from '../env-options.js';
import type { CliIO } from '../io.js';
import { loadValidSettings } from '../valid-settings.js';

export interface CleanupArgs {
  env: string[];
  set?: string[] | undefined;
  'run-id'?: string | undefined;
  all: boolean;
  'allow-production'?: string[] | undefined;
  'production-pattern'?: string[] | undefined;
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
  catalog?: string | undefined;
}

export function cleanupCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withAliasOptions(yargs)
        .option('env', { type: 'string', array: true, demandOption: true, description: 'env file(s) of the target; later files win' })
        .option('set', { type: 'string', array: true, description: 'K=V that wins over every file' })
        .option('run-id', { type: 'string', description: `the run to clean up (its journal is ${JOURNAL_DIR}/<id>.jsonl)` })
        .option('all', { type: 'boolean', default: false, description: `every journal in ${JOURNAL_DIR}` })
        .option('allow-production', { type: 'string', array: true, description: 'consent to write to this production-looking host' })
        .option('production-pattern', { type: 'string', array: true, description: 'host regex that means production' })
        .example('$0 cleanup --env staging.env --run-id 20261128-a1b2c3', 'after a crash or SIGKILL'),
    handler: async (args: CleanupArgs) => {
      ctx.exitCode = await runCleanup(args, ctx.io);
    },
  };
}

async function runCleanup(args: CleanupArgs, io: CliIO): Promise<number> {
  if ((args['run-id'] === undefined) === !args.all) {
    throw new UserError('bad-flags', 'Failed to clean up: name one run with --run-id ID, or every journalled run with --all.');
  }
  const settings = await loadValidSettings(args.env, args.set ?? [], args, io, '--env');
  checkLiveConsent(settings, { patterns: args['production-pattern'], allow: args['allow-production'] });
  const journals = args.all ? listJournals(io.cwd, (name, why) => io.stderr.write(`warning: skipped ${JOURNAL_DIR}/${name}: ${why}.\n`)) : [journalPath(io, args['run-id'] as string)];
  if (journals.length === 0) {
    io.stdout.write(`nothing to clean up: no journals in ${JOURNAL_DIR}\n`);
    return EXIT.ok;
  }
  let failed = 0;
  const states = journals.map((path) => ({ path, state: readJournal(path) }));
  // Every journal is checked against the env's target before anything is touched.
  for (const { state } of states) checkJournalTarget(settings, state);
  for (const { path, state } of states) {
    if (state.marker === '') {
      io.stderr.write(`scimsim: ${path} has no start entry; skipped.\n`);
      failed++;
      continue;
    }
    const result = await cleanJournalledRun(settings, state, io.cwd, (text) => io.stderr.write(`note: ${text}\n`));
    if (!result.clean) failed++;
    io.stdout.write(`run ${state.runId}: ${describeCleanup(result)}\n`);
    for (const left of result.left) io.stdout.write(`  left: ${left.kind} ${left.id ?? left.userName ?? '(unknown)'}: ${left.reason}\n`);
  }
  return failed === 0 ? EXIT.ok : EXIT.found;
}

function journalPath(io: CliIO, runId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new UserError('bad-flags', `Failed to clean up: --run-id ${runId} is not a run id (letters, digits, . _ -).`);
  const path = listJournals(io.cwd).find((p) => basename(p) === `${runId}.jsonl`);
  if (!path) {
    throw new UserError('journal-missing', `Failed to clean up run ${runId}: no journal ${JOURNAL_DIR}/${runId}.jsonl in ${io.cwd}.`, {
      hint: 'Run cleanup from the folder the live run ran in; scimsim cleanup --all lists what is there.',
    });
  }
  return path;
}
