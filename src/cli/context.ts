import type { CliIO } from './io.js';

/** Exit codes of every command (README, "Exit codes"). */
export const EXIT = {
  /** Done, nothing found. */
  ok: 0,
  /** The tool could not do its job. */
  error: 1,
  /** Done, and it found a problem. */
  found: 2,
  /** Interrupted after a clean stop. */
  interrupted: 130,
} as const;

/** What a command handler gets: the injected I/O, and where to leave its exit code. */
export interface CommandContext {
  io: CliIO;
  exitCode: number;
}
