import type { SourceLocation } from '../errors/user-error.js';

/** One finding about an env set. Errors make `check` exit 2; warnings are shown and counted. */
export interface EnvProblem {
  severity: 'error' | 'warning';
  /** Stable identifier of the rule, e.g. `url-malformed`, for JSON consumers and suppression. */
  code: string;
  variable?: string;
  location?: SourceLocation;
  message: string;
  hint?: string;
}
