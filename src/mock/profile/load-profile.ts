import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors/user-error.js';
import { lineOfOffset } from './json-lines.js';
import type { ServerProfile } from './types.js';
import { validateProfile, type ProfileProblem } from './validate-profile.js';

/**
 * The shipped RFC-complete profile. src/mock/profile/ and dist/mock/profile/ both sit three
 * levels below the package root, so the same relative URL works from sources and from the build.
 */
export const DEFAULT_PROFILE_PATH = fileURLToPath(new URL('../../../fixtures/servers/default.json', import.meta.url));

/**
 * Reads and validates a server profile JSON file (`path` resolved against `cwd`). An unreadable
 * file, invalid JSON or anything but an object throws a UserError naming the file (and line);
 * a profile with problems throws one UserError with every problem as a `file:line: field: ...`
 * detail line.
 */
export async function loadProfile(path: string, cwd: string): Promise<ServerProfile> {
  const text = await readProfileText(path, cwd);
  const json = parseProfileJson(text, path);
  const { profile, problems } = validateProfile(json, path, text);
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const first = problems[0]?.line;
    throw new UserError('profile-invalid', `Failed to load server profile ${path}: ${count}.`, {
      hint: 'Fix each problem listed; fixtures/servers/default.json shows every field with its default.',
      location: first === undefined ? { file: path } : { file: path, line: first },
      details: problems.map((p) => formatProfileProblem(path, p)),
    });
  }
  return profile;
}

/** Loads fixtures/servers/default.json, the RFC 7643/7644 complete world without faults or quirks. */
export function loadDefaultProfile(): Promise<ServerProfile> {
  return loadProfile(DEFAULT_PROFILE_PATH, process.cwd());
}

/** `file:line: field: message (hint)`, one line of a UserError's details. */
export function formatProfileProblem(file: string, problem: ProfileProblem): string {
  const where = problem.line === undefined ? file : `${file}:${problem.line}`;
  return `${where}: ${problem.field}: ${problem.message}${problem.hint === undefined ? '' : ` (${problem.hint})`}`;
}

async function readProfileText(path: string, cwd: string): Promise<string> {
  const full = resolve(cwd, path);
  let bytes: Buffer;
  try {
    if ((await stat(full)).isDirectory()) {
      throw new UserError('profile-directory', `Failed to read server profile ${path}: it is a directory.`, {
        hint: 'Pass a JSON file, e.g. --server-profile fixtures/servers/staging.json.',
        location: { file: path },
      });
    }
    bytes = await readFile(full);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UserError('profile-unreadable', `Failed to read server profile ${path}: ${reason}.`, {
      hint: code === 'ENOENT' ? `Check the path; it is resolved against ${cwd}. Shipped profiles are in fixtures/servers/.` : 'Check the file and its permissions.',
      location: { file: path },
      cause: error,
    });
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseProfileJson(text: string, path: string): unknown {
  if (text.trim() === '') {
    throw new UserError('profile-invalid-json', `Failed to read server profile ${path}: it is empty.`, {
      hint: 'Start from fixtures/servers/default.json.',
      location: { file: path, line: 1 },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const { line, reason } = locateSyntaxError(text, (error as Error).message);
    throw new UserError('profile-invalid-json', `Failed to read server profile ${path}: invalid JSON on line ${line} (${reason}).`, {
      hint: 'Fix the JSON syntax near this line (a trailing comma, a missing comma or a missing quote?).',
      location: { file: path, line },
      cause: error,
    });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    const got = json === null ? 'null' : Array.isArray(json) ? 'an array' : `a ${typeof json}`;
    throw new UserError('profile-not-object', `Failed to read server profile ${path}: expected a JSON object, got ${got}.`, {
      hint: 'A profile is one object: {"name": "...", "description": "...", ...}; see fixtures/servers/default.json.',
      location: { file: path, line: 1 },
    });
  }
  return json;
}

/**
 * Turns V8's JSON.parse message into a line and a reason. The message can quote a slice of the
 * input, and profiles hold credentials, so only V8's own words are kept, never the slice.
 */
function locateSyntaxError(text: string, message: string): { line: number; reason: string } {
  const positioned = /^(.*) in JSON at position (\d+)/.exec(message);
  if (positioned) return { line: lineOfOffset(text, Number(positioned[2])), reason: lowerFirst(positioned[1] ?? 'syntax error') };
  if (/Unexpected end of JSON input/.test(message)) {
    return { line: text.trimEnd().split('\n').length, reason: 'unexpected end of input: a missing } or ]?' };
  }
  const token = /^Unexpected token '(.)'/.exec(message);
  return { line: firstSuspectLine(text), reason: token ? `unexpected '${token[1] ?? ''}'` : 'syntax error' };
}

/** Without a position, the first line that does not parse on its own (closing what it opens) is the best guess. */
function firstSuspectLine(text: string): number {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim().replace(/,$/, '');
    if (line === '' || /^[[\]{}]+$/.test(line)) continue;
    const closed = line.endsWith('{') ? `${line}}` : line.endsWith('[') ? `${line}]` : line;
    const parses = [`{${closed}}`, `[${closed}]`].some((candidate) => {
      try {
        JSON.parse(candidate);
        return true;
      } catch {
        return false;
      }
    });
    if (!parses) return i + 1;
  }
  return 1;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
