import { settingsSecrets } from '../env/redact.js';
import type { ScimSettings } from '../env/settings.js';
import { UserError } from '../errors/user-error.js';
import { cleanUpRun, type CleanupResult } from './cleanup.js';
import { RunJournal, targetOf, type JournalState } from './journal.js';
import { openCleanupClient } from './session.js';

/** Throws (exit 1) when the env set points at another target than the journal names. */
export function checkJournalTarget(settings: ScimSettings, state: JournalState): void {
  const target = targetOf(settings.baseUrl, settingsSecrets(settings));
  // Older journals kept a trailing slash of the SCIM root; it names the same target.
  if (state.target === '' || state.target.replace(/\/+$/, '') === target) return;
  throw new UserError('target-mismatch', `Failed to clean up run ${state.runId}: its journal names the target ${state.target}, but the env set points at ${target}.`, {
    hint: 'Give the env set of the target the run wrote to (SCIM_API_BASE_URL); nothing was changed.',
  });
}

/**
 * `scimsim cleanup` for one journalled run: refuses an env set that points at another target
 * than the journal's (removing "gone" ids from the wrong server would record a lie), then cleans
 * up with a fresh client that owns nothing until it reads the marker on the target.
 */
export async function cleanJournalledRun(settings: ScimSettings, state: JournalState, cwd: string, note: (text: string) => void): Promise<CleanupResult> {
  checkJournalTarget(settings, state);
  const { client, close } = openCleanupClient(settings, state.marker, `cleanup:${state.runId}`);
  try {
    return await cleanUpRun({ client, state, journal: new RunJournal(cwd, state.runId), concurrency: settings.maxConcurrency, note });
  } finally {
    await close();
  }
}
