import { fstatSync } from 'node:fs';
import { appendFile, chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../errors/user-error.js';
import type { Render, Reporters } from '../report/reporters.js';
import { createColors } from '../report/style.js';
import { githubActions } from './github.js';
import { colorsFor, type CliIO } from './io.js';

/** Report and journal files may name targets and accounts: only the user may read them. */
export const PRIVATE_FILE_MODE = 0o600;

/** One `--report FORMAT=FILE`: a further rendering of the same report, written to FILE. */
export interface ReportTarget<F extends string> {
  format: F;
  file: string;
}

/**
 * Reads the `--report FORMAT=FILE` flags against the formats the command offers. Commands call it
 * before their work starts, so a typo fails at once rather than after a long run.
 */
export function parseReportTargets<F extends string>(flags: readonly string[] | undefined, formats: readonly F[], out?: string): ReportTarget<F>[] {
  const targets: ReportTarget<F>[] = [];
  const hint = `Write --report FORMAT=FILE with FORMAT one of ${formats.join(', ')}, e.g. --report junit=report.xml; repeat it for more files.`;
  for (const flag of flags ?? []) {
    const eq = flag.indexOf('=');
    if (eq < 0) throw new UserError('bad-flags', `Failed to read --report ${flag}: it names no file (FORMAT=FILE).`, { hint });
    const format = flag.slice(0, eq).trim();
    const file = flag.slice(eq + 1);
    if (!(formats as readonly string[]).includes(format)) {
      throw new UserError('bad-flags', `Failed to read --report ${flag}: ${format === '' ? 'no format' : `unknown format ${JSON.stringify(format)}`}; this command writes ${formats.join(', ')}.`, { hint });
    }
    if (file.trim() === '') throw new UserError('bad-flags', `Failed to read --report ${flag}: it names no file (FORMAT=FILE).`, { hint });
    if (targets.some((t) => resolve(t.file) === resolve(file))) throw new UserError('bad-flags', `Failed to read --report ${flag}: ${file} is named by another --report too.`, { hint });
    if (out !== undefined && resolve(out) === resolve(file)) throw new UserError('bad-flags', `Failed to read --report ${flag}: ${file} is the --out file too.`, { hint });
    targets.push({ format: format as F, file });
  }
  return targets;
}

/**
 * The one place a command's report leaves the process: the chosen format on stdout (coloured for a
 * terminal), the same uncoloured rendering to --out, and every --report FORMAT=FILE rendered by the
 * command's reporters. Files pass through the redactor like stdout and are readable by the user only.
 * In a GitHub Actions step the Markdown rendering is also appended to the step summary.
 */
export async function emitReports<R, F extends string>(
  io: CliIO,
  reporters: Reporters<R, F>,
  report: R,
  options: { format: F; out?: string | undefined; reports?: readonly ReportTarget<F>[] },
): Promise<void> {
  const plain = createColors(false);
  const render = reporters[options.format];
  const text = render(report, colorsFor(io.stdout, io.env));
  io.stdout.write(text);
  if (options.out !== undefined) await writeReportFile(io, options.out, render(report, plain));
  for (const target of options.reports ?? []) await writeReportFile(io, target.file, reporters[target.format](report, plain));
  const markdown = (reporters as Partial<Record<string, Render<R>>>).markdown;
  if (markdown !== undefined) await appendStepSummary(io, markdown(report, plain));
}

/**
 * Under GitHub Actions with GITHUB_STEP_SUMMARY set, appends a report's Markdown to the step's
 * job summary: redacted like every file, created when missing, never truncated, one blank line
 * after what an earlier command of the step wrote there. Not when stdout is that file already
 * (`--format markdown >> "$GITHUB_STEP_SUMMARY"`): the report would be there twice.
 */
export async function appendStepSummary(io: CliIO, markdown: string): Promise<void> {
  const file = githubActions(io.env)?.summaryFile;
  if (file === undefined) return;
  const path = resolve(io.cwd, file);
  if (await isStdout(io, path)) return;
  try {
    const before = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const gap = before === '' ? '' : before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
    await appendFile(path, `${gap}${io.redactor ? io.redactor.scrub(markdown) : markdown}`, { mode: PRIVATE_FILE_MODE });
  } catch (error) {
    throw new UserError('out-unwritable', `Failed to append the report to the step summary ${file} (GITHUB_STEP_SUMMARY): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      hint: 'Check that GITHUB_STEP_SUMMARY names a writable file, or unset it.',
      location: { file },
      cause: error,
    });
  }
}

/** Whether stdout is redirected to the file at `path` (the same file, not just the same name). */
async function isStdout(io: CliIO, path: string): Promise<boolean> {
  if (io.stdout.fd === undefined) return false;
  try {
    const [out, file] = [fstatSync(io.stdout.fd), await stat(path)];
    return out.isFile() && out.dev === file.dev && out.ino === file.ino;
  } catch {
    return false;
  }
}

/**
 * Prints a report on stdout and, with --out, writes the same report to a file (mode 0600, through
 * the redactor like stdout). The file gets the uncoloured rendering; `plain` is that rendering
 * when the terminal one is coloured.
 */
export async function emitReport(io: CliIO, text: string, out: string | undefined, plain: string = text): Promise<void> {
  io.stdout.write(text);
  if (out === undefined) return;
  await writeReportFile(io, out, plain);
}

/** Writes one report file, redacted, readable by the user only. */
export async function writeReportFile(io: CliIO, out: string, text: string): Promise<void> {
  try {
    const path = resolve(io.cwd, out);
    await writeFile(path, io.redactor ? io.redactor.scrub(text) : text, { mode: PRIVATE_FILE_MODE });
    // The mode applies only to a file writeFile creates; one that existed keeps its own.
    await chmod(path, PRIVATE_FILE_MODE);
  } catch (error) {
    throw new UserError('out-unwritable', `Failed to write the report to ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      hint: 'Check that the folder exists and is writable.',
      location: { file: out },
      cause: error,
    });
  }
}
