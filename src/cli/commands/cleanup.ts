import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { UserError } from '../../errors/user-error.js';
import { describeCleanup, emptyCleanup, removeRunResources, type CleanupResult } from '../../live/cleanup.js';
import { JOURNAL_DIR, RunJournal, listJournals, readJournal, type JournalState } from '../../live/journal.js';
import { checkLiveConsent } from '../../live/production.js';
import { ScimClient } from '../../scim/client/client.js';
import { createRealClock } from '../../scim/clock.js';
import { getDialect } from '../../scim/dialects.js';
import { createRandom } from '../../scim/random.js';
import { createUndiciTransport } from '../../scim/transports/undici.js';
import type { JsonValue } from '../../scim/types.js';
import { EXIT, type CommandContext } from '../context.js';
import { withAliasOptions } from '../env-options.js';
import type { CliIO } from '../io.js';
import { loadValidSettings } from '../valid-settings.js';
import type { ScimSettings } from '../../env/settings.js';

export interface CleanupArgs {
  env: string[];
  set?: string[] | undefined;
  'run-id'?: string | undefined;
  all: boolean;
  'allow-production'?: string[] | undefined;
  'production-pattern'?: string[] | undefined;
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
}

export function cleanupCommand(ctx: CommandContext) {
  return {
    command: 'cleanup',
    describe: 'Remove what an interrupted live run left on the target: journalled ids, and whatever carries its marker',
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
  const journals = args.all ? listJournals(io.cwd) : [journalPath(io, args['run-id'] as string)];
  if (journals.length === 0) {
    io.stdout.write(`nothing to clean up: no journals in ${JOURNAL_DIR}\n`);
    return EXIT.ok;
  }
  let failed = 0;
  for (const path of journals) {
    const state = readJournal(path);
    if (state.marker === '') {
      io.stderr.write(`scimsim: ${path} has no start entry; skipped.\n`);
      failed++;
      continue;
    }
    const result = await cleanRun(settings, state, io);
    failed += result.failed.length;
    io.stdout.write(`run ${state.runId}: ${describeCleanup(result)}\n`);
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

/**
 * One run: the journalled ids, then a search for the run's marker (creates in flight at a crash
 * have no journalled id), each resource read first and removed only when it carries the
 * marker. Idempotent: what is gone answers 404 and counts as gone.
 */
async function cleanRun(settings: ScimSettings, state: JournalState, io: CliIO): Promise<CleanupResult> {
  const live = createUndiciTransport({ connections: settings.maxConcurrency, timeoutMs: settings.timeoutMs });
  const client = new ScimClient(settings, { transport: live.transport, clock: createRealClock(), random: createRandom(`cleanup:${state.runId}`), dialect: getDialect('rfc'), marker: state.marker });
  const journal = new RunJournal(io.cwd, state.runId);
  try {
    const result = emptyCleanup();
    const users = new Set<string>();
    const groups = new Set<string>();
    let notOurs = 0;
    // The marker search first: it finds journalled ids and creates that were in flight at once.
    const searches: Array<[string, Set<string>]> = [
      [`/Users?filter=${encodeURIComponent(`externalId sw "${state.marker}-"`)}`, users],
      [`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName sw "${state.marker}-"`)}`, groups],
    ];
    for (const [query, into] of searches) {
      const found = await searchAll(client, query);
      if (found === undefined) {
        io.stderr.write(`note: the target refused a search for the marker (${query.split('?')[0]}); only journalled ids were checked.\n`);
        continue;
      }
      for (const resource of found) {
        const id = client.adopt(resource);
        if (id !== undefined) into.add(id);
      }
    }
    for (const [kind, ids, into] of [['Users', state.users, users], ['Groups', state.groups, groups]] as const) {
      for (const id of ids) {
        if (into.has(id)) continue; // found by the marker search already
        const outcome = await client.http.send({ method: 'GET', path: `/${kind}/${encodeURIComponent(id)}` });
        if (outcome.status === 404) {
          if (kind === 'Users') result.users.gone++;
          else result.groups.gone++;
          journal.write({ op: 'removed', kind: kind === 'Users' ? 'User' : 'Group', id, how: 'gone' });
        } else if (outcome.ok && client.adopt(outcome.body) !== undefined) into.add(id);
        else if (outcome.ok) notOurs++;
        else result.failed.push({ kind: kind === 'Users' ? 'User' : 'Group', id, reason: outcome.error ?? String(outcome.status) });
      }
    }
    if (notOurs > 0) io.stderr.write(`note: ${notOurs} journalled id(s) now hold resources without the run marker; left alone.\n`);
    const removed = await removeRunResources(client, [...users], [...groups], journal, settings.maxConcurrency);
    journal.write({ op: 'end', clean: removed.failed.length === 0 && result.failed.length === 0, at: new Date().toISOString() });
    return {
      users: { removed: removed.users.removed, deactivated: removed.users.deactivated, gone: removed.users.gone + result.users.gone },
      groups: { removed: removed.groups.removed, gone: removed.groups.gone + result.groups.gone },
      failed: [...result.failed, ...removed.failed],
    };
  } finally {
    await live.close();
  }
}

/** Every resource a filtered list returns, page by page; undefined when the server refuses the filter. */
async function searchAll(client: ScimClient, query: string): Promise<JsonValue[] | undefined> {
  const all: JsonValue[] = [];
  for (let startIndex = 1; startIndex < 1_000_000; ) {
    const outcome = await client.http.send({ method: 'GET', path: `${query}&startIndex=${startIndex}&count=100` });
    if (!outcome.ok) return outcome.status === 400 || outcome.status === 501 || outcome.status === 403 ? undefined : all;
    const body = outcome.body;
    const resources = body !== null && typeof body === 'object' && !Array.isArray(body) && Array.isArray(body.Resources) ? body.Resources : [];
    all.push(...resources);
    const total = body !== null && typeof body === 'object' && !Array.isArray(body) && typeof body.totalResults === 'number' ? body.totalResults : 0;
    if (resources.length === 0 || startIndex + resources.length > total) break;
    startIndex += resources.length;
  }
  return all;
}
