import { runCli } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured, colourless output, from the project root by default. */
export async function runScimsim(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: options.env ?? { NO_COLOR: '1' },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}
