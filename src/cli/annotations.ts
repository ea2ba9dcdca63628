import type { CheckReport } from '../env/check.js';
import { capMessage } from '../env/excerpt.js';
import type { UserError } from '../errors/user-error.js';
import { renderCheckAnnotations, renderErrorAnnotation } from '../report/github-annotations.js';
import { githubActions } from './github.js';
import type { CliIO } from './io.js';

/**
 * In a GitHub Actions step, prints one workflow command per finding of `check` so GitHub marks
 * the file and line. They go to stdout after the report; with --format json to stderr instead,
 * so stdout stays one parseable JSON document (the runner reads commands from both streams).
 */
export function printAnnotations(io: CliIO, report: CheckReport, format: string): void {
  if (githubActions(io.env) === undefined) return;
  const text = renderCheckAnnotations(report, io.cwd, io.env.GITHUB_WORKSPACE);
  if (text === '') return;
  (format === 'json' ? io.stderr : io.stdout).write(text);
}

/** Detail lines an error's annotation carries, as many as a CI log shows of them. */
const MAX_DETAILS = 50;

/** In a GitHub Actions step, an error that stopped a command is annotated too, on stderr with its message. */
export function printErrorAnnotation(io: CliIO, error: UserError): void {
  if (githubActions(io.env) === undefined || error.code === 'bad-flags') return;
  const { code, location, hint } = error;
  const details = error.details.slice(0, MAX_DETAILS).map((detail) => capMessage(detail));
  if (error.details.length > MAX_DETAILS) details.push(`… and ${error.details.length - MAX_DETAILS} more`);
  io.stderr.write(renderErrorAnnotation({ code, location, message: capMessage(error.message), details, hint: hint === undefined ? undefined : capMessage(hint) }, io.cwd, io.env.GITHUB_WORKSPACE));
}
