import type { CliIO } from './io.js';

/**
 * Whether this process runs as a GitHub Actions step (the runner sets GITHUB_ACTIONS=true), and
 * where the step's job summary goes (GITHUB_STEP_SUMMARY, a file the runner renders as Markdown).
 * Read from the injected env, so tests run it in-process.
 */
export function githubActions(env: CliIO['env']): { summaryFile: string | undefined } | undefined {
  if (env.GITHUB_ACTIONS !== 'true') return undefined;
  const summary = env.GITHUB_STEP_SUMMARY;
  return { summaryFile: summary === undefined || summary.trim() === '' ? undefined : summary };
}
