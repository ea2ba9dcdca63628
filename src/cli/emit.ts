import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../errors/user-error.js';
import type { CliIO } from './io.js';

/**
 * Prints a report on stdout and, with --out, writes the same report to a file.
 * The file gets the uncoloured rendering; `plain` is that rendering when the terminal one is coloured.
 */
export async function emitReport(io: CliIO, text: string, out: string | undefined, plain: string = text): Promise<void> {
  io.stdout.write(text);
  if (out === undefined) return;
  try {
    await writeFile(resolve(io.cwd, out), plain);
  } catch (error) {
    throw new UserError('out-unwritable', `Failed to write the report to ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      hint: 'Check that the folder exists and is writable.',
      location: { file: out },
      cause: error,
    });
  }
}
