/** Where in an input file a problem sits. Lines are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
}

/**
 * A problem the user can fix: bad flags, an unreadable or malformed file.
 * The CLI prints `message` (and `hint`) without a stack trace and exits 1.
 * Everything else that escapes a command is a bug in scimsim.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  /** Further lines, one per problem, when one input has several (every malformed line of a file). */
  readonly details: readonly string[];

  constructor(
    code: string,
    message: string,
    options: { hint?: string; location?: SourceLocation; details?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.details = options.details ?? [];
  }
}

/** Formats `file:line` (or just `file`) for messages. */
export function formatLocation(location: SourceLocation): string {
  return location.line === undefined ? location.file : `${location.file}:${location.line}`;
}
