import type { CheckReport } from '../env/check.js';
import { renderCheckAnnotations } from '../report/github-annotations.js';
import { githubActions } from './github.js';
import type { CliIO } from './io.js';

/**
 * In a GitHub Actions step, prints one workflow command per finding of `check` so GitHub marks
 * the file and line. They go to stdout after the report; with --format json to stderr instead,
 * so stdout stays one parseable JSON document (the runner reads commands from both streams).
 */
export function printAnnotations(io: CliIO, report: CheckReport, format: string): void {
  if (githubActions(io.env) === undefined) return;
  const text = renderCheckAnnotations(report, io.cwd);
  if (text === '') return;
  (format === 'json' ? io.stderr : io.stdout).write(text);
}
