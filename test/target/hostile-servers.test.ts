import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScimSettings } from '../../src/env/settings.js';
import type { ScimStore, StoredResource } from '../../src/mock/core/store.js';
import { executeRun, type RunOutcome } from '../../src/run/execute.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../src/scenario/load-scenario.js';
import { createUserFactory } from '../../src/scenario/users.js';
import type { DialectName } from '../../src/scim/dialects.js';
import type { JsonObject } from '../../src/scim/types.js';
import { cleanJournalledRun } from '../../src/target/clean-run.js';
import { readJournal } from '../../src/target/journal.js';
import { startHostileServer, type HostileServer, type Misbehaviour } from '../helpers/hostile-server.js';
import { BASE_PATH, TOKEN } from '../helpers/live.js';
import { scimSettings } from '../helpers/scim-settings.js';

/**
 * Live runs (undici, real sockets, real time) against loopback servers that each misbehave in
 * one way real SCIM servers do. The test holds the ledger against the server's true state, read
 * from its store directly, account by account; checks that no account the run did not create
 * was changed; and that nothing carrying the run marker is left, after the run's own cleanup
 * and after a kept run is cleaned up by the cleanup engine.
 */
const USERS = 60;
const SEED = 1;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function settingsFor(baseUrl: string, overrides: Partial<ScimSettings> = {}): ScimSettings {
  return scimSettings(baseUrl, { auth: { mode: 'bearer', token: TOKEN }, rateLimitRps: 0, maxConcurrency: 4, timeoutMs: 3_000, maxRetries: 2, ...overrides });
}

/** Accounts the target held before the run: one with the userName the run's first user wants. */
function seedForeign(store: ScimStore): Array<{ kind: 'User' | 'Group'; id: string; version: number }> {
  const factory = createUserFactory({ seed: SEED, marker: 'unused', domain: 'example.com', population: USERS, collisions: 0 });
  const names = [factory.user(0).userName, factory.user(7).userName, 'real.person@example.com'];
  const users = names.map((userName, k) =>
    store.insert('User', store.nextId(), { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId: `hr-${k}`, active: true, title: 'Staff' }, 0),
  );
  const group = store.insert('Group', store.nextId(), { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Real Staff', members: users.map((u) => ({ value: u.id })) }, 0);
  return [...users, group].map((r) => ({ kind: r.kind, id: r.id, version: r.version }));
}

function expectForeignUntouched(store: ScimStore, foreign: ReturnType<typeof seedForeign>): void {
  for (const { kind, id, version } of foreign) {
    const now = store.get(kind, id);
    expect(now, `${kind} ${id} was removed`).toBeDefined();
    expect(now?.version, `${kind} ${id} was changed`).toBe(version);
  }
}

function marked(store: ScimStore, marker: string): StoredResource[] {
  const tag = (r: StoredResource): unknown => (r.kind === 'User' ? r.data.externalId : r.data.displayName);
  return [...store.all('User'), ...store.all('Group')].filter((r) => String(tag(r)).startsWith(`${marker}-`));
}

/** What differs between account i's true state and the scenario's intent, or undefined. */
function trueStateDiff(store: ScimStore, outcome: RunOutcome, i: number): string | undefined {
  const want = outcome.expected(i);
  const stored = store.findByExternalId('User', `${outcome.marker}-${i}`);
  if (!want.exists) return stored === undefined ? undefined : 'exists';
  if (stored === undefined) return 'missing';
  const r = stored.data;
  const f = want.fields;
  const name = (r.name ?? {}) as JsonObject;
  const ext = (r[ENTERPRISE] ?? {}) as JsonObject;
  const email = ((r.emails ?? []) as JsonObject[]).find((e) => e.type === 'work')?.value;
  const checks: Array<[string, unknown, unknown]> = [
    ['active', r.active, f.active],
    ['userName', r.userName, f.userName],
    ['givenName', name.givenName, f.givenName],
    ['familyName', name.familyName, f.familyName],
    ['displayName', r.displayName, f.displayName],
    ['email', String(email).toLowerCase(), f.email.toLowerCase()],
    ['title', r.title, f.title],
    ['department', ext.department, f.department],
  ];
  for (const [attribute, actual, expected] of checks) if (actual !== expected) return attribute;
  const groups = store.groupsOf(stored.id).map((g) => g.data.displayName).filter((n) => String(n).startsWith(`${outcome.marker}-`));
  const wantGroups = want.group === undefined ? [] : [want.group];
  if (JSON.stringify(groups) !== JSON.stringify(wantGroups)) return 'members';
  return undefined;
}

/**
 * Every account the run calls verified (not unverified) is blocked exactly when its true state
 * differs; an account blocked on the way to an end state of "gone" may end there all the same.
 */
function expectLedgerMatchesTrueState(store: ScimStore, outcome: RunOutcome): void {
  const { ledger } = outcome;
  const wrong: string[] = [];
  for (let i = 0; i < USERS; i++) {
    if (ledger.unverified[i] === 1) continue;
    const diff = trueStateDiff(store, outcome, i);
    const blocked = ledger.isBlocked(i);
    if (blocked && diff === undefined && !outcome.expected(i).exists) continue;
    if ((diff !== undefined) !== blocked) wrong.push(`#${i}: true state ${diff ?? 'as intended'}, ledger ${ledger.isBlocked(i) ? `blocked at ${ledger.stageOf(i) ?? ''}` : 'fine'}`);
  }
  expect(wrong).toEqual([]);
}

/** The two accounts whose userName a foreign account holds are blocked, and nothing else. */
function onlyForeignBlocked({ report }: RunOutcome): void {
  expect(report.summary.reasons.map((r) => [r.stage, r.error, r.count])).toEqual([['create', 'foreign-account', 2]]);
  expect(report.summary.unverified).toBe(0);
}

const cases: Array<{ misbehaviour: Misbehaviour; dialect?: DialectName; settings?: Partial<ScimSettings>; stallMs?: number; check: (outcome: RunOutcome) => void }> = [
  {
    misbehaviour: 'replace-members',
    check: ({ report }) => {
      expect(report.summary.byStage.group).toBeGreaterThan(0);
      expect(report.summary.reasons).toContainEqual(expect.objectContaining({ stage: 'group', error: 'state-mismatch' }));
    },
  },
  {
    misbehaviour: 'page-cap',
    settings: { pageSize: 100 },
    check: onlyForeignBlocked,
  },
  // Okta pages its imports with count=100 whatever the env says: the cap of 50 must not matter.
  { misbehaviour: 'page-cap', dialect: 'okta', check: onlyForeignBlocked },
  {
    misbehaviour: 'reads-503',
    // Retries with backoff would only make every failing read slower.
    settings: { maxRetries: 0 },
    check: ({ report }) => {
      expect(report.summary.unverified).toBeGreaterThan(0);
      expect(report.summary.unverified + report.summary.blocked).toBeGreaterThan(USERS / 2);
    },
  },
  {
    misbehaviour: 'upsert',
    settings: { userMatchAttribute: 'externalId' },
    check: ({ report }) => {
      // The match by externalId finds nothing; the POST's 200 hands back the foreign account.
      expect(report.summary.reasons).toContainEqual(expect.objectContaining({ stage: 'create', status: 200, error: 'foreign-account', count: 2 }));
      expect(report.summary.blocked).toBe(2);
    },
  },
  { misbehaviour: 'create-reset', check: onlyForeignBlocked },
  { misbehaviour: 'create-stall', settings: { timeoutMs: 400 }, stallMs: 1_500, check: onlyForeignBlocked },
  { misbehaviour: 'create-garbage', check: onlyForeignBlocked },
  { misbehaviour: 'eq-only', check: onlyForeignBlocked },
  // Absence from a listing whose order moves proves nothing: such accounts are read by id.
  { misbehaviour: 'unstable-order', settings: { pageSize: 20 }, check: onlyForeignBlocked },
  // An empty answer to an unsupported sw must not pass for proof that everything is gone.
  { misbehaviour: 'sw-silent', check: onlyForeignBlocked },
  // Leavers are deleted: each DELETE's retry meets 404, which is the state the scenario intends.
  { misbehaviour: 'delete-reset', settings: { deactivationMode: 'delete' }, check: onlyForeignBlocked },
];

describe.each(cases.map((c) => ({ dialect: 'rfc' as DialectName, ...c })))('against a server with $misbehaviour ($dialect dialect)', ({ misbehaviour, dialect, settings: overrides, stallMs, check }) => {
  it('keeps a ledger that matches the true state, touches no foreign account, and leaves nothing marked', async () => {
    const placeholder = settingsFor(`http://127.0.0.1${BASE_PATH}`, overrides);
    server = await startHostileServer(misbehaviour, placeholder, stallMs === undefined ? {} : { stallMs });
    const foreign = seedForeign(server.store);
    const settings = settingsFor(server.baseUrl, overrides);
    const scenario = await loadScenario(DEFAULT_SCENARIO_PATH, process.cwd());
    const cwd = await mkdtemp(join(tmpdir(), `scimsim-${misbehaviour}-`));
    const base = { settings, scenario, users: USERS, seed: SEED, dialect, target: 'live' as const, cwd };

    // Kept on the target: the ledger is held against the server's own store.
    const kept = await executeRun({ ...base, keep: true });
    expect(kept.report.partial).toBe(false);
    check(kept);
    expectLedgerMatchesTrueState(server.store, kept);
    expectForeignUntouched(server.store, foreign);
    expect(marked(server.store, kept.marker).length).toBeGreaterThan(0);
    const journal = readJournal(join(cwd, '.scimsim', 'runs', `${kept.report.runId ?? ''}.jsonl`));
    const notes: string[] = [];
    const cleaned = await cleanJournalledRun(settings, journal, cwd, (text) => notes.push(text));
    expect(cleaned.left).toEqual([]);
    expect(cleaned.clean).toBe(true);
    expect(marked(server.store, kept.marker)).toEqual([]);
    expect(readJournal(journal.runId === '' ? '' : join(cwd, '.scimsim', 'runs', `${journal.runId}.jsonl`)).ended).toBe(true);
    expectForeignUntouched(server.store, foreign);

    // The run's own cleanup, with the same misbehaviour in its way.
    const cleanedByRun = await executeRun(base);
    expect(cleanedByRun.report.live?.cleanup?.left).toEqual([]);
    expect(cleanedByRun.report.live?.cleanup?.clean).toBe(true);
    expect(marked(server.store, cleanedByRun.marker)).toEqual([]);
    expectForeignUntouched(server.store, foreign);
  });
});
