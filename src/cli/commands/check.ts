import type { Argv } from 'yargs';
import { summarizeCheck } from '../../env/check.js';
import { resolveSettings } from '../../env/settings.js';
import { validateEnvSet } from '../../env/validate.js';
import { CHECK_FORMATS, checkReporters, type CheckFormat } from '../../report/env-reporters.js';
import { emitReports, parseReportTargets } from '../emit.js';
import { printAnnotations } from '../annotations.js';
import { withProxy } from '../network.js';
import { loadFromArgs, withAliasOptions } from '../env-options.js';
import type { CliIO } from '../io.js';
import { EXIT, type CommandContext } from '../context.js';
import { DIALECT_NAMES, getDialect, type DialectName } from '../../scim/dialects.js';
import { effectiveSettings } from '../../scim/effective-settings.js';

export function checkCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withAliasOptions(yargs)
        .option('env', { type: 'string', array: true, demandOption: true, description: 'env file (dotenv or JSON, or git:REV:path); repeat to layer, later wins' })
        .option('set', { type: 'string', array: true, description: 'K=V that wins over every file (repeatable)' })
        .option('connect', { type: 'boolean', default: false, description: 'also preflight the target: DNS, TLS, token, discovery, limits' })
        .option('dialect', { choices: DIALECT_NAMES, default: 'rfc' as DialectName, description: 'warn about variables this identity provider ignores' })
        .option('format', { choices: CHECK_FORMATS, default: 'table' as const, description: 'report format' })
        .option('out', { type: 'string', description: 'write the report to this file as well' })
        .option('report', { type: 'string', array: true, description: 'FORMAT=FILE: write the report in this format to this file as well (table, json, markdown); repeat for several' })
        .example('$0 check --env fixtures/env/baseline.env', 'validate the shipped baseline')
        .example('$0 check --env base.env --env staging.env --set SCIM_PAGE_SIZE=200 --connect', 'layer two files, override one value, preflight'),
    handler: async (args: { dialect: DialectName; env: string[]; set?: string[] | undefined; connect: boolean; format: CheckFormat; out?: string | undefined; report?: string[] | undefined; alias?: string[] | undefined; 'alias-file'?: string | undefined; catalog?: string | undefined }) => {
      ctx.exitCode = await runCheck(args, ctx.io);
    },
  };
}

async function runCheck(
  args: { dialect: DialectName; env: string[]; set?: string[] | undefined; connect: boolean; format: CheckFormat; out?: string | undefined; report?: string[] | undefined; alias?: string[] | undefined; 'alias-file'?: string | undefined; catalog?: string | undefined },
  io: CliIO,
): Promise<number> {
  const reports = parseReportTargets(args.report, CHECK_FORMATS, args.out);
  const set = await loadFromArgs(args.env, args.set ?? [], args, io);
  const validation = validateEnvSet(set, { dialect: getDialect(args.dialect) });
  let preflight;
  if (args.connect) {
    if (validation.valid) {
      if (args.format !== 'json') io.stderr.write('Preflight: connecting to the target (read-only)…\n');
      const dialect = getDialect(args.dialect);
      // The preflight's HTTP client (undici) loads only with --connect.
      const { runPreflight } = await import('../../env/preflight/index.js');
      preflight = await runPreflight(withProxy(effectiveSettings(resolveSettings(set), dialect), io), { probeGroups: dialect.probesGroups });
    } else {
      io.stderr.write('Preflight skipped: fix the errors below first.\n');
    }
  }
  const report = summarizeCheck(set, validation, preflight);
  await emitReports(io, checkReporters, report, { format: args.format, out: args.out, reports });
  printAnnotations(io, report, args.format);
  return report.valid ? EXIT.ok : EXIT.found;
}
