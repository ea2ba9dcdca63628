import { UserError } from '../../errors/user-error.js';

/** `90` (seconds), `30s`, `2m`, `1h`, `500ms` -> milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new UserError('bad-flags', `Failed to read ${flag} ${text}: write a duration such as 90, 30s, 2m or 1h.`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = value * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
  if (ms <= 0) throw new UserError('bad-flags', `Failed to read ${flag} ${text}: it must be longer than zero.`);
  return ms;
}
