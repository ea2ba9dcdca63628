import { Redactor } from '../env/redact.js';
import { createColors, type Colors } from '../report/style.js';

/** A stream the CLI writes to; process.stdout in production, a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** The file descriptor behind the stream, when there is one (process.stdout's is 1). */
  fd?: number;
}

/** Everything the CLI touches of the outside world, injected so tests run it in-process. */
export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /**
   * The redaction boundary: it learns every env set the command loads, and everything written to
   * stdout, stderr or a report file passes through it. `runCli` sets it.
   */
  redactor?: Redactor;
}

/** The same I/O with stdout and stderr passing through one redactor (the only way out of the process). */
export function redactedIO(io: CliIO): CliIO & { redactor: Redactor } {
  const redactor = io.redactor ?? new Redactor();
  const wrap = (stream: OutputStream): OutputStream => {
    const wrapped: OutputStream = { write: (text: string) => stream.write(redactor.scrub(text)) };
    if (stream.isTTY !== undefined) wrapped.isTTY = stream.isTTY;
    if (stream.fd !== undefined) wrapped.fd = stream.fd;
    return wrapped;
  };
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr), redactor };
}

/**
 * Colour only for a TTY, never with NO_COLOR (https://no-color.org) or TERM=dumb;
 * FORCE_COLOR forces it on (and FORCE_COLOR=0 off).
 */
export function colorsFor(stream: OutputStream, env: CliIO['env']): Colors {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return createColors(false);
  if (env.FORCE_COLOR !== undefined) return createColors(env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false');
  return createColors(stream.isTTY === true && env.TERM !== 'dumb');
}
