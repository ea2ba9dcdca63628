import type { CleanupResult } from '../target/cleanup.js';
import type { RunSummary } from '../run/summary.js';
import type { ConnectorSummary } from '../connector/types.js';

/** Everything the run reporters show; built by the run command from the engine's ledger. */
export interface RunReport {
  scenario: string;
  dialect: string;
  users: number;
  seed: number;
  target: 'mock' | 'live';
  /** mock: the world the run played, and the env set it was built for (file labels). */
  world?: { name: string; builtFor: string };
  runId?: string;
  partial: boolean;
  /** --max-requests stopped the scenario. */
  capped: boolean;
  /** live: the journal, and what cleanup removed (absent with --keep). */
  live?: { journal: string; kept: boolean; cleanup?: CleanupResult };
  summary: RunSummary;
  /** userName and externalId of example accounts, by index. */
  accounts: ReadonlyMap<number, { userName: string; externalId: string }>;
  /** Hints per reason, in summary.reasons order. */
  hints: string[];
  /** --connector / --connector-cmd: the team's own code made the writes; what it sent elsewhere. */
  connector?: ConnectorSummary;
  /** Not part of determinism: virtual (simulated) and wall milliseconds. */
  timing: { simulatedMs: number; wallMs: number };
}
