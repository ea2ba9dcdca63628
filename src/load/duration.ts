import { UserError } from '../errors/user-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `90` (seconds), `30s`, `2m`, `1h`, `500ms`, and k6's compound forms `1m30s`, `1h30m`,
 * `2h0m10s`, `1.5s` -> milliseconds. Units go from the largest down, each at most once, as k6 and
 * Go's `time.ParseDuration` write them.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  const bad = (why: string): UserError => new UserError('bad-flags', `Failed to read ${flag} ${text}: ${why}`, { hint: 'k6 forms work: 90 (seconds), 500ms, 30s, 2m, 1m30s, 2h.' });
  if (/^\d+(\.\d+)?$/.test(trimmed)) return positive(Number(trimmed) * 1000, bad);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) throw bad('write a duration such as 90, 500ms, 30s, 2m, 1m30s or 2h.');
  let ms = 0;
  let previous = Infinity;
  for (const part of parts) {
    const unit = UNIT_MS[part[2] as string] as number;
    if (unit >= previous) throw bad(`its units must go from hours down to milliseconds, each once.`);
    previous = unit;
    ms += Number(part[1]) * unit;
  }
  return positive(ms, bad);
}

function positive(ms: number, bad: (why: string) => UserError): number {
  if (!(ms > 0)) throw bad('it must be longer than zero.');
  return ms;
}
