import type { Argv } from 'yargs';
import { renderEnvExample, renderVarsMarkdown, renderVarsTable } from '../../report/vars.js';
import { createColors } from '../../report/style.js';
import { EXIT, type CommandContext } from '../context.js';
import { emitReport } from '../emit.js';
import { colorsFor } from '../io.js';

export function varsCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      yargs
        .option('example', { type: 'boolean', default: false, description: 'print a commented .env.example instead (secrets left empty)' })
        .option('format', { choices: ['table', 'markdown'] as const, default: 'table' as const, description: 'catalog format' })
        .option('out', { type: 'string', description: 'write it to this file as well, e.g. --example --out .env.example' })
        .example('$0 vars --example --out .env.example', 'start a new env file'),
    handler: async (args: { example: boolean; format: 'table' | 'markdown'; out?: string | undefined }) => {
      const text = args.example ? renderEnvExample() : args.format === 'markdown' ? renderVarsMarkdown() : renderVarsTable(colorsFor(ctx.io.stdout, ctx.io.env));
      await emitReport(ctx.io, text, args.out, args.example || args.format === 'markdown' ? text : renderVarsTable(createColors(false)));
      ctx.exitCode = EXIT.ok;
    },
  };
}
