import { createColors, type Colors } from '../report/style.js';

/** A stream the CLI writes to; process.stdout in production, a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything the CLI touches of the outside world, injected so tests run it in-process. */
export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
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
