import { appendFileSync, lstatSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scrubSecrets } from '../env/redact.js';
import { UserError } from '../errors/user-error.js';
import type { CreateJournal } from '../scim/client/client.js';

/** Journals name targets and accounts: only the user may read them. */
const JOURNAL_MODE = 0o600;
/** A journal larger than this is not one scimsim wrote for a run it can clean up. */
const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;

/** Where live runs keep their journals, below the working directory (`.scimsim/runs`). */
export const JOURNAL_DIR = join('.scimsim', 'runs');

/** One line of a journal. Never a secret: markers, userNames, ids and the target's origin. */
export type JournalEntry =
  | { op: 'start'; runId: string; marker: string; target: string; at: string }
  | { op: 'intent'; kind: 'User' | 'Group'; name: string; externalId?: string }
  | { op: 'created'; kind: 'User' | 'Group'; id: string; name: string }
  | { op: 'removed'; kind: 'User' | 'Group'; id: string; how: 'deleted' | 'deactivated' | 'gone' }
  | { op: 'end'; clean: boolean; at: string };

/**
 * The journal of one live run, `.scimsim/runs/<id>.jsonl`: each create's intent is appended
 * (synchronously, so it is in the kernel before the request leaves) before it is sent, and its
 * id once known. A SIGKILL with creates in flight leaves their intents, which `scimsim cleanup`
 * turns into a search for the marker.
 */
export class RunJournal implements CreateJournal {
  readonly path: string;

  constructor(cwd: string, runId: string) {
    const dir = resolve(cwd, JOURNAL_DIR);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new UserError('journal-unwritable', `Failed to create the journal folder ${JOURNAL_DIR}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
        hint: `A live run keeps its journal there; make sure ${JOURNAL_DIR} is a writable folder (not a file).`,
        cause: error,
      });
    }
    this.path = join(dir, `${runId}.jsonl`);
  }

  write(entry: JournalEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`, { mode: JOURNAL_MODE });
  }

  intent(kind: 'User' | 'Group', name: string, externalId: string | undefined): void {
    this.write(externalId === undefined ? { op: 'intent', kind, name } : { op: 'intent', kind, name, externalId });
  }

  created(kind: 'User' | 'Group', id: string, name: string): void {
    this.write({ op: 'created', kind, id, name });
  }
}

/** A create the journal holds no id for: in flight at a crash, or its reply was lost. */
export interface OpenIntent {
  kind: 'User' | 'Group';
  name: string;
  externalId?: string;
}

/** What a journal says a run left: its marker, the ids it created and not yet removed. */
export interface JournalState {
  runId: string;
  marker: string;
  /** The target the run wrote to: origin and SCIM root path (see `targetOf`). */
  target: string;
  users: string[];
  groups: string[];
  /** Creates sent without a known id (in flight at a crash). */
  inFlight: number;
  /** Those creates, by name: cleanup looks each one up. */
  open: OpenIntent[];
  ended: boolean;
}

/**
 * The target as a journal records it: origin and SCIM root path, nothing else (userinfo or a
 * query could hold a secret), without a trailing slash, so two spellings of one root compare equal.
 * A secret expanded into the path (`/scim/${SCIM_AUTH_TOKEN}/v2`) is stored as its fingerprint.
 */
export function targetOf(baseUrl: string, secrets: readonly string[] = []): string {
  const url = new URL(baseUrl);
  return scrubSecrets(`${url.origin}${url.pathname.replace(/\/+$/, '')}`, secrets);
}

/** Reads a journal; a torn last line (a crash mid-write) is skipped. */
export function readJournal(path: string): JournalState {
  const state: JournalState = { runId: '', marker: '', target: '', users: [], groups: [], inFlight: 0, open: [], ended: false };
  const live = { User: new Set<string>(), Group: new Set<string>() };
  const intents: OpenIntent[] = [];
  // Created entries per name: a rehire is a second create of the same name, so they are counted.
  const named = { User: new Map<string, number>(), Group: new Map<string, number>() };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      continue;
    }
    if (entry.op === 'start') Object.assign(state, { runId: entry.runId, marker: entry.marker, target: entry.target });
    else if (entry.op === 'intent') intents.push(entry.externalId === undefined ? { kind: entry.kind, name: entry.name } : { kind: entry.kind, name: entry.name, externalId: entry.externalId });
    else if (entry.op === 'created') {
      named[entry.kind].set(entry.name, (named[entry.kind].get(entry.name) ?? 0) + 1);
      live[entry.kind].add(entry.id);
    } else if (entry.op === 'removed') live[entry.kind].delete(entry.id);
    else if (entry.op === 'end') state.ended = entry.clean;
  }
  state.users = [...live.User];
  state.groups = [...live.Group];
  state.open = intents.filter((intent) => {
    const created = named[intent.kind].get(intent.name) ?? 0;
    if (created === 0) return true;
    named[intent.kind].set(intent.name, created - 1);
    return false;
  });
  state.inFlight = state.open.length;
  return state;
}

/**
 * Every journal in the folder, oldest name first. Entries that cannot be a journal (a folder or
 * symlink named `*.jsonl`, a file too large) are left out and named to `onSkip`.
 */
export function listJournals(cwd: string, onSkip?: (name: string, why: string) => void): string[] {
  const dir = resolve(cwd, JOURNAL_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const journals: string[] = [];
  for (const name of names.sort()) {
    const why = notAJournal(join(dir, name));
    if (why === undefined) journals.push(join(dir, name));
    else onSkip?.(name, why);
  }
  return journals;
}

function notAJournal(path: string): string | undefined {
  try {
    const info = lstatSync(path);
    if (!info.isFile()) return info.isDirectory() ? 'it is a folder' : info.isSymbolicLink() ? 'it is a symbolic link' : 'it is not a regular file';
    if (info.size > MAX_JOURNAL_BYTES) return `it is larger than ${MAX_JOURNAL_BYTES / 1024 / 1024} MiB`;
    return undefined;
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}
