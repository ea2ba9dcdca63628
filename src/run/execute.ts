import type { ScimSettings } from '../env/settings.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { Scenario, Step } from '../scenario/types.js';
import type { DialectName } from '../scim/dialects.js';
import { runScenario } from './engine.js';
import type { ExpectedAccount } from './accounts.js';
import { hintFor } from './hints.js';
import type { Ledger } from './ledger.js';
import { summarizeLedger } from './summary.js';
import type { RunReport } from '../report/run-report.js';
import { createUserFactory } from '../scenario/users.js';
import { cleanUpRun, type CleanupResult } from '../target/cleanup.js';
import { readJournal } from '../target/journal.js';
import { openCleanupClient, openTarget, type RequestBudget, type TargetSession } from '../target/session.js';

export type { RequestBudget } from '../target/session.js';

export interface RunRequest {
  settings: ScimSettings;
  scenario: Scenario;
  users: number;
  seed: number;
  dialect: DialectName;
  collisions?: number;
  target: 'mock' | 'live';
  /** mock: the world, and the env set it is valid in (the baseline). */
  world?: { profile: ResolvedProfile; settings: ScimSettings };
  onProgress?: (step: Step, done: number, total: number) => void;
  /** live: told the run id before the first write. */
  onRunId?: (runId: string) => void;
  signal?: AbortSignal;
  /** A scoped replay of these accounts only (see EngineOptions.sample). */
  sample?: Uint8Array;
  /** Send nothing more for an account once it is blocked (see EngineOptions.skipBlocked). */
  skipBlocked?: boolean;
  /** Settings the read-back uses (see TargetRequest.verifySettings); default the run's. */
  verifySettings?: ScimSettings;
  /** live: the folder the journal goes under (`.scimsim/runs`); default the process's cwd. */
  cwd?: string;
  /** live: leave the synthetic accounts on the target for inspection (`--keep`). */
  keep?: boolean;
  /** --max-requests: shared by every run of one invocation. */
  budget?: RequestBudget;
  /**
   * live: the settings the run's own cleanup uses instead of the run's (same marker, same
   * journal), so a candidate with a 200 ms timeout and no retries does not clean up with them.
   */
  cleanupSettings?: ScimSettings;
}


export interface RunOutcome {
  report: RunReport;
  ledger: Ledger;
  /** The run marker: synthetic externalIds are `${marker}-${index}`. */
  marker: string;
  /** What the scenario intends for account i, to hold a target's true state against. */
  expected: (i: number) => ExpectedAccount;
}

/**
 * One run: the candidate env set's client against a fresh embedded world on a virtual clock,
 * or against a live target through undici; then a summary with hints.
 */
export async function executeRun(request: RunRequest): Promise<RunOutcome> {
  const wallStart = performance.now();
  const { settings, seed } = request;
  const session = openTarget(request);
  const { client, clock, runId, marker, journal } = session;
  const signal = request.signal ? AbortSignal.any([request.signal, session.capSignal]) : session.capSignal;
  try {
    const { ledger, groupIds, partial, expected } = await runScenario({
      settings,
      client,
      scenario: request.scenario,
      users: request.users,
      seed,
      marker,
      ...(request.collisions ? { collisions: request.collisions } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      signal,
      ...(request.sample ? { sample: request.sample } : {}),
      ...(request.skipBlocked ? { skipBlocked: true } : {}),
      ...(session.preexisting.size > 0 ? { preexisting: session.preexisting } : {}),
      ...(request.verifySettings ? { verifier: session.verifier, verifyConcurrency: request.verifySettings.maxConcurrency } : {}),
    });
    let cleanup: CleanupResult | undefined;
    if (request.target === 'live' && !request.keep && journal) {
      session.beginCleanup();
      cleanup = await cleanUpLive(session, request.cleanupSettings ?? settings, request.cleanupSettings !== undefined, groupIds);
    }
    ledger.requests = session.requests();
    const { summary, accounts, hints } = summarizeRun(ledger, { seed, marker, domain: settings.usernameDomain, users: request.users, collisions: request.collisions ?? 0 });
    const report: RunReport = {
      scenario: request.scenario.name,
      dialect: request.dialect,
      users: request.users,
      seed,
      target: request.target,
      ...(request.target === 'live' ? { runId } : {}),
      partial,
      capped: session.capped(),
      ...(request.target === 'live' ? { live: { journal: journal?.path ?? '', kept: request.keep === true, ...(cleanup ? { cleanup } : {}) } } : {}),
      summary,
      accounts,
      hints,
      timing: { simulatedMs: Math.round(clock.now()), wallMs: Math.round(performance.now() - wallStart) },
    };
    return { report, ledger, marker, expected };
  } finally {
    await session.close();
  }
}

/** A run's ledger as its report shows it: totals and reasons, the example accounts' names, a hint per reason. */
export function summarizeRun(ledger: Ledger, run: { seed: number; marker: string; domain: string; users: number; collisions: number }): Pick<RunReport, 'summary' | 'accounts' | 'hints'> {
  const summary = summarizeLedger(ledger);
  const factory = createUserFactory({ seed: run.seed, marker: run.marker, domain: run.domain, population: run.users, collisions: run.collisions });
  const accounts = new Map<number, { userName: string; externalId: string }>();
  for (const reason of summary.reasons) {
    for (const e of reason.examples) {
      const user = factory.user(e.index);
      accounts.set(e.index, { userName: user.userName, externalId: user.externalId });
    }
  }
  const hints = summary.reasons.map((r) => hintFor(r, r.stage, r.count === run.users));
  return { summary, accounts, hints };
}

/**
 * A live run's own cleanup, from its journal (so creates whose reply was lost are found too),
 * with the run's client or, given other settings, a client of those that inherits what the run
 * owns. Its requests count as the run's.
 */
async function cleanUpLive(session: TargetSession, settings: ScimSettings, separate: boolean, groupIds: readonly string[]): Promise<CleanupResult> {
  const journal = session.journal;
  if (!journal) throw new Error('a live run without a journal (a scimsim bug)');
  const state = readJournal(journal.path);
  // Groups the run found rather than created (a rerun) are journalled by neither.
  for (const id of groupIds) if (!state.groups.includes(id)) state.groups.push(id);
  if (!separate) return cleanUpRun({ client: session.client, state, journal, concurrency: settings.maxConcurrency });
  const { client, close } = openCleanupClient(settings, session.marker, `cleanup:${session.runId}`, session.countRequest);
  try {
    client.inherit(session.client);
    return await cleanUpRun({ client, state, journal, concurrency: settings.maxConcurrency });
  } finally {
    await close();
  }
}
