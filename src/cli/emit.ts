import { chmod, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../errors/user-error.js';
import type { CliIO } from './io.js';

/** Report and journal files may name targets and accounts: only the user may read them. */
export const PRIVATE_FILE_MODE = 0o600;

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
