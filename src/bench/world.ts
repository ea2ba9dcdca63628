import { fileURLToPath } from 'node:url';
import { loadEnvSet } from '../env/load.js';
import { resolveSettings, type ScimSettings } from '../env/settings.js';
import { DEFAULT_PROFILE_PATH, loadProfile } from '../mock/profile/load-profile.js';
import { resolveProfile, type ResolvedProfile } from '../mock/profile/resolve-profile.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/types.js';

/** The repository root, where the benchmarks find their fixtures. */
export const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchWorld {
  /** fixtures/env/baseline.env, resolved. */
  baseline: ScimSettings;
  /** The baseline without its rate cap: real-time sides must not wait on the client's own pacing. */
  uncapped: ScimSettings;
  scenario: Scenario;
  /** The default server profile: no latency, no faults. */
  profile: ResolvedProfile;
}

/** What every benchmark figure runs: the baseline env set, the lifecycle scenario, the default world. */
export async function loadBenchWorld(): Promise<BenchWorld> {
  const baseline = resolveSettings(await loadEnvSet({ files: ['fixtures/env/baseline.env'], cwd: BENCH_ROOT }));
  return {
    baseline,
    uncapped: { ...baseline, rateLimitRps: 0 },
    scenario: await loadScenario(DEFAULT_SCENARIO_PATH, BENCH_ROOT),
    profile: resolveProfile(await loadProfile(DEFAULT_PROFILE_PATH, BENCH_ROOT)),
  };
}
