import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UserError } from '../../errors/user-error.js';
import { openTransport } from '../../target/session.js';
import { DEFAULT_SAMPLES, MIN_SAMPLES, captureWorld, type Capture } from '../../world/capture.js';
import { EXIT, type CommandContext } from '../context.js';
import { withAliasOptions } from '../env-options.js';
import type { CliIO } from '../io.js';
import { loadValidSettings } from '../valid-settings.js';

interface CaptureArgs {
  env: string[];
  set?: string[] | undefined;
  out: string;
  samples: number;
  alias?: string[] | undefined;
  'alias-file'?: string | undefined;
  catalog?: string | undefined;
}

export function worldCommand(ctx: CommandContext) {
  return {
    builder: (yargs: Argv) =>
      withAliasOptions(yargs)
        .positional('action', { choices: ['capture'] as const, description: 'capture: survey a live target read-only and write a server profile' })
        .option('env', { type: 'string', array: true, demandOption: true, description: 'env file(s) of the target; later files win' })
        .option('set', { type: 'string', array: true, description: 'K=V that wins over every file' })
        .option('out', { type: 'string', demandOption: true, description: 'where to write the server profile (JSON)' })
        .option('samples', { type: 'number', default: DEFAULT_SAMPLES, description: `requests the survey may send, one at a time (at least ${MIN_SAMPLES})` })
        .example('$0 world capture --env staging.env --out world.json', 'then: scimsim rehearse --server-profile world.json ...'),
    handler: async (args: CaptureArgs) => {
      ctx.exitCode = await runCapture(args, ctx.io);
    },
  };
}

async function runCapture(args: CaptureArgs, io: CliIO): Promise<number> {
  if (!Number.isInteger(args.samples) || args.samples < MIN_SAMPLES) {
    throw new UserError('bad-flags', `Failed to capture a world: --samples ${args.samples} is too few.`, {
      hint: `Give a whole number of at least ${MIN_SAMPLES}: discovery, a listing, the page cap and the filters take that many.`,
    });
  }
  const settings = await loadValidSettings(args.env, args.set ?? [], args, io, '--env');
  const { transport, clock, close } = openTransport({ target: 'live', connections: 1, timeoutMs: settings.timeoutMs, proxy: settings.proxy });
  const tty = io.stderr.isTTY === true;
  let capture: Capture;
  try {
    capture = await captureWorld({
      settings,
      transport,
      clock,
      samples: args.samples,
      at: new Date().toISOString(),
      ...(tty ? { onProgress: (sent: number, budget: number) => io.stderr.write(`\r\u001b[2Ksurveying: ${sent}/${budget} requests`) } : {}),
    });
  } finally {
    if (tty) io.stderr.write('\r\u001b[2K');
    await close();
  }
  if (!capture.ok) {
    throw new UserError('capture-failed', `Failed to capture a world: ${capture.failure}. Nothing was written.`, {
      hint: 'Run scimsim check --env FILE --connect to see what the target answers, then capture again.',
    });
  }
  const out = resolve(io.cwd, args.out);
  await writeFile(out, `${JSON.stringify(capture.profile, null, 2)}\n`).catch((error: NodeJS.ErrnoException) => {
    throw new UserError('out-unwritable', `Failed to write the world to ${args.out}: ${error.code ?? error.message}.`, { hint: 'Check the folder exists and is writable.' });
  });
  io.stdout.write(summarise(capture, args.out));
  return EXIT.ok;
}

/** What was learnt and what was not, for a person; the profile itself holds the same. */
function summarise(capture: Extract<Capture, { ok: true }>, out: string): string {
  const { profile, filters } = capture;
  const from = profile.capturedFrom;
  const sent = Object.values(from?.samples ?? {}).reduce((a, b) => a + b, 0);
  const lines = [`wrote ${out}: world "${profile.name}" from ${from?.origin ?? '?'}${from?.scimRoot ?? ''} (${sent} requests)`];
  const limits = profile.limits ?? {};
  if (limits.maxResults !== undefined) lines.push(`  page cap: ${limits.maxResults}, above it: ${limits.overMaxResults ?? 'cap'}`);
  const caps = profile.capabilities ?? {};
  lines.push(`  advertised: PATCH ${yesNo(caps.patch)}, Bulk ${caps.bulk === undefined ? '?' : caps.bulk === false ? 'no' : 'yes'}, ETag ${yesNo(caps.etag)}`);
  const tried = Object.entries(filters);
  if (tried.length > 0) lines.push(`  filters: ${tried.map(([f, ok]) => `${f} ${ok ? 'works' : 'refused'}`).join(', ')}`);
  if (profile.quirks?.caseSensitiveUserName !== undefined) lines.push(`  userName matching: ${profile.quirks.caseSensitiveUserName ? 'case-sensitive (against RFC 7643)' : 'case-insensitive'}`);
  for (const [kind, spec] of Object.entries(limits.latency ?? {})) lines.push(`  latency ${kind}: p50 ${spec.p50} ms, p99 ${spec.p99} ms (fitted)`);
  if (from?.throttling) lines.push(`  rate limiting: ${from.throttling.throttled} answers were 429${from.throttling.headers.length > 0 ? `; headers ${from.throttling.headers.join(', ')}` : ''}`);
  if (from?.population !== undefined) lines.push(`  accounts already there: ${from.population}`);
  for (const u of from?.undetermined ?? []) lines.push(`  not determined: ${u.field}: ${u.because} (RFC default)`);
  return `${lines.join('\n')}\n`;
}

function yesNo(value: boolean | undefined): string {
  return value === undefined ? '?' : value ? 'yes' : 'no';
}
