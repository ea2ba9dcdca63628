import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CommandContext } from './context.js';

/** What a module in cli/commands returns: the command's flags and what it does. */
export interface CommandBody {
  // Argv is invariant in the arguments, so a table of commands of every shape can only say "some
  // arguments"; `typed` checks each command's handler against its builder as .command() would.
  builder: (yargs: Argv) => Argv<any>;
  handler: (args: any) => void | Promise<void>;
}

/** One command: its name and line of help, light; the module with its flags and work, loaded on demand. */
export interface CommandEntry {
  /** The yargs command string: the name, and positional arguments if any. */
  command: string;
  describe: string;
  load: () => Promise<(ctx: CommandContext) => CommandBody>;
}

/** A command module's factory, checked as yargs' .command() checks one: its handler takes what its builder declares. */
function typed<U>(factory: (ctx: CommandContext) => { builder: (yargs: Argv) => Argv<U>; handler: (args: ArgumentsCamelCase<U>) => void | Promise<void> }): (ctx: CommandContext) => CommandBody {
  return factory;
}

/**
 * Every command, in the order `scimsim --help` lists them. Only the command being run is
 * imported (docs/decisions/062-lazy-commands.md): `--version`, `--help` and a light command
 * never load what the others need (faker, undici, msw, the HDR histograms).
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    command: 'check',
    describe: 'Load and validate an env set; with --connect, preflight the live target (read-only)',
    load: async () => typed((await import('./commands/check.js')).checkCommand),
  },
  {
    command: 'diff',
    describe: 'Classify every variable change between two env sets; secrets as fingerprints',
    load: async () => typed((await import('./commands/diff.js')).diffCommand),
  },
  {
    command: 'vars',
    describe: 'Print the env catalog: every variable, its type, default and meaning',
    load: async () => typed((await import('./commands/vars.js')).varsCommand),
  },
  {
    command: 'run',
    describe: 'Replay a scenario with one env set and report per-account outcomes',
    load: async () => typed((await import('./commands/run.js')).runCommand),
  },
  {
    command: 'rehearse',
    describe: 'The main job: replay under the baseline and the candidate, and attribute every newly blocked account to the env change that causes it',
    load: async () => typed((await import('./commands/rehearse.js')).rehearseCommand),
  },
  {
    command: 'mock',
    describe: 'Serve the embedded SCIM service provider over loopback HTTP until SIGTERM or SIGINT',
    load: async () => typed((await import('./commands/mock.js')).mockCommand),
  },
  {
    command: 'cleanup',
    describe: 'Remove what an interrupted live run left on the target: journalled ids, and whatever carries its marker',
    load: async () => typed((await import('./commands/cleanup.js')).cleanupCommand),
  },
  {
    command: 'rotate',
    describe: 'Rehearse a zero-downtime credential rotation: steady read traffic, a switch to the next credential mid-run, the old one revoked',
    load: async () => typed((await import('./commands/rotate.js')).rotateCommand),
  },
  {
    command: 'load',
    describe: 'Open-model load on the target: iterations at a constant or ramping arrival rate, latency percentiles per operation, k6-style thresholds',
    load: async () => typed((await import('./commands/load.js')).loadCommand),
  },
  {
    command: 'report <action>',
    describe: 'Work with saved JSON reports: render one in another format, compare two, merge the shard reports of a sharded load test',
    load: async () => typed((await import('./commands/report.js')).reportCommand),
  },
  {
    command: 'world <action>',
    describe: 'Build a world for the embedded mock from your own target',
    load: async () => typed((await import('./commands/world.js')).worldCommand),
  },
];

/**
 * The command named on a command line: its first word that is not a flag. The only global flag
 * with a value is the boolean --debug, which yargs lets take a following true or false.
 */
export function commandNamed(argv: readonly string[]): CommandEntry | undefined {
  const word = argv.find((arg, i) => !arg.startsWith('-') && !(argv[i - 1] === '--debug' && (arg === 'true' || arg === 'false')));
  return COMMANDS.find((entry) => entry.command.split(' ')[0] === word);
}

/** A command that is not being run: its name and line of help, for `scimsim --help` and "Did you mean". */
export function unloaded(entry: CommandEntry): CommandBody & { command: string; describe: string } {
  return {
    command: entry.command,
    describe: entry.describe,
    builder: (yargs) => yargs,
    handler: () => {
      throw new Error(`the command ${entry.command} ran without being loaded`);
    },
  };
}
