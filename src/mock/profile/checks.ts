import { closest, distance } from 'fastest-levenshtein';
import { joinPath, lineOfPath } from './json-lines.js';

/** One thing wrong with a server profile, at a JSON path like `limits.rateLimit.requestsPerSecond`. */
export interface ProfileProblem {
  field: string;
  line?: number;
  message: string;
  hint?: string;
}

/** Collects problems, each placed on the line of its field (or of the nearest ancestor that has one). */
export class Reporter {
  readonly #problems: ProfileProblem[] = [];
  readonly #lines: ReadonlyMap<string, number>;

  constructor(lines: ReadonlyMap<string, number>) {
    this.#lines = lines;
  }

  /** Every problem so far, in file order (problems without a line last); a stable sort keeps rule order within a line. */
  get problems(): ProfileProblem[] {
    return [...this.#problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  }

  /** Records a problem and returns undefined, so a check can `return r.add(...)`. */
  add(field: string, message: string, hint?: string): undefined {
    const line = lineOfPath(this.#lines, field);
    this.#problems.push({ field, ...(line === undefined ? {} : { line }), message, ...(hint === undefined ? {} : { hint }) });
    return undefined;
  }

  /** A value of the wrong kind: says what was expected and what was found. */
  wrongType(field: string, expected: string, value: unknown): undefined {
    // Credentials hold secrets: say what kind of value is there, never what it is.
    const secret = field.startsWith('credentials');
    const quoted = !secret && typeof value === 'string' && value.trim() !== '' && (!Number.isNaN(Number(value)) || value === 'true' || value === 'false');
    return this.add(field, `must be ${expected}, got ${describe(value, secret)}`, quoted ? `write ${value} without quotes` : undefined);
  }
}

/** Reads one JSON value at `field`: the value when it is valid, otherwise undefined and a problem. */
export type Check<T> = (value: unknown, field: string, r: Reporter) => T | undefined;

export const bool: Check<boolean> = (value, field, r) => (typeof value === 'boolean' ? value : r.wrongType(field, 'true or false', value));

export const str: Check<string> = (value, field, r) => {
  if (typeof value !== 'string') return r.wrongType(field, 'a string', value);
  return value.trim() === '' ? r.add(field, 'must not be empty') : value;
};

interface Range {
  /** Smallest allowed value, inclusive. */
  min?: number;
  /** Largest allowed value, inclusive. */
  max?: number;
  /** Zero is not allowed (min 0 exclusive). */
  positive?: boolean;
  integer?: boolean;
}

/** A finite number within a range; the message states the range. */
export function num(range: Range): Check<number> {
  const { min, max, positive = false, integer = false } = range;
  const kind = integer ? 'an integer' : 'a number';
  const bounds =
    positive ? ' > 0' : min !== undefined && max !== undefined ? ` in [${min}, ${max}]` : min !== undefined ? ` >= ${min}` : '';
  return (value, field, r) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return r.wrongType(field, `${kind}${bounds}`, value);
    if (integer && !Number.isInteger(value)) return r.add(field, `must be ${kind}${bounds}, got ${value}`);
    const outside = (positive && value <= 0) || (min !== undefined && value < min) || (max !== undefined && value > max);
    if (!outside) return value;
    const hint = max === 1 && min === 0 ? 'a rate is a share of requests: 0.01 means 1%' : undefined;
    return r.add(field, `must be ${kind}${bounds}, got ${value}`, hint);
  };
}

/** A share of requests, 0 to 1. */
export const rate = num({ min: 0, max: 1 });

/** A JSON array whose elements all pass `item`; one problem per bad element. */
export function list<T>(item: Check<T>): Check<T[]> {
  return (value, field, r) => {
    if (!Array.isArray(value)) return r.wrongType(field, 'an array', value);
    const out: T[] = [];
    let ok = true;
    value.forEach((element: unknown, i) => {
      const read = item(element, `${field}[${i}]`, r);
      if (read === undefined) ok = false;
      else out.push(read);
    });
    return ok ? out : undefined;
  };
}

/** What the keys of an object are, for messages: `field`, `quirk`, `operation kind`. */
export interface KeySpec {
  known: readonly string[];
  required?: readonly string[];
  noun?: string;
}

/**
 * Reads a JSON object: reports unknown keys (with a did-you-mean when one is close) and missing
 * required keys, and returns the object so the caller can read the known keys one by one.
 */
export function fields(value: unknown, field: string, r: Reporter, spec: KeySpec): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return r.wrongType(field, 'an object', value);
  const object = value as Record<string, unknown>;
  const noun = spec.noun ?? 'field';
  for (const key of Object.keys(object)) {
    if (spec.known.includes(key)) continue;
    const suggestion = suggest(key, spec.known);
    r.add(
      joinPath(field, key),
      `unknown ${noun} "${key}"`,
      suggestion ? `did you mean "${suggestion}"?` : `known ${noun}s: ${spec.known.join(', ')}`,
    );
  }
  for (const key of spec.required ?? []) {
    if (object[key] === undefined) r.add(joinPath(field, key), `is required`, `add "${key}" to ${field === '' ? 'the profile' : field}`);
  }
  return object;
}

/** Reads `object[key]` with `check` when present; absent keys are simply undefined. */
export function read<T>(object: Record<string, unknown>, key: string, parent: string, check: Check<T>, r: Reporter): T | undefined {
  const value = object[key];
  return value === undefined ? undefined : check(value, joinPath(parent, key), r);
}

/** The known name closest to a misspelt one, when it is close enough to be the likely intent. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = name.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase) return sameCase;
  // "capped" for "cap", "maxResult" for "maxResults": one is the start of the other.
  const prefix = known.find((k) => Math.min(k.length, lower.length) >= 3 && (lower.startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(lower)));
  if (prefix) return prefix;
  const best = closest(name, [...known]);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function describe(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (secret) return `a ${typeof value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return String(value);
}
