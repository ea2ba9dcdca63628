import { readFileSync } from 'node:fs';
// yargs bundled into one file at build time: one module to load instead of sixty (docs/decisions/063-bundled-yargs.md).
import yargs from '#yargs';
import { UserError, formatLocation } from '../errors/user-error.js';
import { COMMANDS, commandNamed, unloaded } from './command-table.js';
import { clearUserVariables } from '../env/catalog.js';
import { capMessage } from '../env/excerpt.js';
import { EXIT, type CommandContext } from './context.js';
import { colorsFor, redactedIO, type CliIO } from './io.js';
import { printErrorAnnotation } from './annotations.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Runs the CLI on `argv` and returns the exit code. Only the CLI prints; commands leave their
 * exit code in the context, and every error ends here as one message (a stack only with --debug).
 */
export async function runCli(argv: readonly string[], rawIO: CliIO): Promise<number> {
  const io = redactedIO(rawIO);
  const ctx: CommandContext = { io, exitCode: EXIT.ok };
  const debug = argv.includes('--debug');
  // Only the command being run is loaded; the others are a name and a line of help.
  const named = commandNamed(argv);
  const body = named && (await named.load())(ctx);
  const parser = yargs()
    .scriptName('scimsim')
    .usage('$0 <command> [options]\n\nDry-run SCIM 2.0 provisioning env sets against staging before you ship them.')
    .version(VERSION)
    .option('debug', { type: 'boolean', default: false, description: 'print stack traces of errors' })
    .command(COMMANDS.map((entry) => (body && entry === named ? { command: entry.command, describe: entry.describe, ...body } : unloaded(entry))))
    .demandCommand(1, 'Name a command: check, diff, vars, run, rehearse, load, rotate, report, mock, cleanup or world.')
    .recommendCommands()
    .strict()
    .help()
    .alias('help', 'h')
    // yargs lays out the whole help after every command in case it is shown; wrapping that costs a
    // measurable part of a quick command's start-up, so only help that will print is wrapped.
    .wrap(argv.includes('--help') || argv.includes('-h') ? Math.min(110, process.stdout.columns || 100) : null)
    .exitProcess(false)
    .fail((message, error) => {
      // yargs reports its own parse failures here; a command's error travels on unchanged.
      if (error) throw error;
      // recommendCommands answers only "Did you mean check?"; name what was wrong first.
      let text = message?.startsWith('Did you mean') ? `Unknown command: ${argv[0] ?? ''}. ${message}` : message;
      // yargs checks required options before unknown ones, so a mistyped required flag (--bas) would go unnamed.
      const unknown = text?.startsWith('Missing required argument') ? unknownFlags(argv, (parser as unknown as { getOptions(): FlagOptions }).getOptions()) : [];
      if (unknown.length > 0) text = `Unknown argument${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}. ${text ?? ''}`;
      throw new UserError('bad-flags', text ?? 'invalid command line');
    });

  let printed = '';
  try {
    await parser.parseAsync([...argv], {}, (_error, _args, output) => {
      printed = output;
    });
  } catch (error) {
    return reportError(error, io, debug);
  } finally {
    // --catalog variables belong to this invocation only; the next one (a test's) starts from the built-in catalog.
    clearUserVariables();
  }
  if (printed) {
    // --help and --version land here; so does yargs' own usage text after a failure, which we replaced.
    io.stdout.write(printed.endsWith('\n') ? printed : `${printed}\n`);
  }
  return ctx.exitCode;
}

/** What yargs' getOptions() (public, but missing from its type declarations) says of the options in effect. */
interface FlagOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
}

/** The `--name` flags of argv that name no option of the command (in either spelling yargs accepts). */
function unknownFlags(argv: readonly string[], options: FlagOptions): string[] {
  const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const known = new Set([...Object.keys(options.key), ...Object.values(options.alias).flat()].flatMap((name) => [name, camel(name)]));
  const names = argv.flatMap((arg) => (arg.startsWith('--') && arg.length > 2 ? [arg.slice(2).split('=')[0] ?? ''] : []));
  return names.filter((name) => !known.has(name) && !known.has(camel(name)) && !(name.startsWith('no-') && known.has(camel(name.slice(3)))));
}

/** An error prints at most this many detail lines: a file of 100,000 bad lines must not flood a CI log. */
const MAX_DETAILS = 50;

function reportError(error: unknown, io: CliIO, debug: boolean): number {
  const colors = colorsFor(io.stderr, io.env);
  if (error instanceof UserError) {
    const where = error.location && error.code !== 'bad-flags' && !error.message.includes(error.location.file) ? ` (${formatLocation(error.location)})` : '';
    const lines = [`${colors.red('scimsim:')} ${capMessage(error.message)}${where}`];
    for (const detail of error.details.slice(0, MAX_DETAILS)) lines.push(`  ${capMessage(detail)}`);
    if (error.details.length > MAX_DETAILS) lines.push(`  … and ${error.details.length - MAX_DETAILS} more`);
    if (error.hint) lines.push(`  ${colors.cyan('→')} ${capMessage(error.hint)}`);
    if (error.code === 'bad-flags') lines.push(`  ${colors.cyan('→')} Run scimsim --help, or scimsim <command> --help.`);
    if (debug && error.stack) lines.push(colors.dim(error.stack));
    io.stderr.write(`${lines.join('\n')}\n`);
    printErrorAnnotation(io, error);
    return EXIT.error;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const lines = [`${colors.red('scimsim: internal error:')} ${capMessage(err.message)}`, '  This is a bug in scimsim; please report it with the command you ran.'];
  lines.push(debug ? colors.dim(err.stack ?? '') : '  Run again with --debug for the stack trace.');
  io.stderr.write(`${lines.join('\n')}\n`);
  return EXIT.error;
}
