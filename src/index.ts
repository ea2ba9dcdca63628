/**
 * scimsim's library API: the same building blocks the CLI uses, as named exports. The msw handlers
 * are at `scimsim/msw`, so that importing this module needs no msw (an optional peer dependency).
 */
import type { CliIO } from './cli/io.js';

export { listCatalog, catalog, describeType, isSecretName, type CatalogEntry, type VariableType } from './env/catalog.js';
export { loadEnvSet, buildEnvSet, parseSetFlag, parseAliases, type EnvSet, type EnvValue, type LoadOptions } from './env/load.js';
export { parseDotenv, type DotenvEntry, type DotenvParseResult } from './env/parse-dotenv.js';
export { validateEnvSet, effectiveValue, type ValidationResult } from './env/validate.js';
export type { EnvProblem } from './env/problem.js';
export { resolveSettings, type ScimSettings } from './env/settings.js';
export { diffEnvSets, type EnvDiff, type EnvChange, type ChangeAction } from './env/diff.js';
export { summarizeCheck, type CheckReport, type VariableRow } from './env/check.js';
export { fingerprint } from './env/fingerprint.js';
export { displayValue } from './env/redact.js';
export { runPreflight, type PreflightReport, type PreflightStep, type PreflightOptions, type StepId, type StepStatus, type AdvertisedFeatures } from './env/preflight/index.js';
export { UserError } from './errors/user-error.js';
export { renderCheckTable } from './report/check-table.js';
export { renderCheckJson } from './report/check-json.js';
export { renderDiffTable } from './report/diff-table.js';
export { renderDiffJson } from './report/diff-json.js';
export { renderDiffMarkdown } from './report/diff-markdown.js';
export { renderRehearseTable } from './report/rehearse-table.js';
export { renderRehearseJson } from './report/rehearse-json.js';
export { renderRehearseMarkdown } from './report/rehearse-markdown.js';
export { renderRehearseJUnit } from './report/rehearse-junit.js';
export { renderRehearseHtml } from './report/html/rehearse.js';
export { ScimProvider, type ProviderOptions } from './mock/core/provider.js';
export { startMockServer, type MockServer } from './mock/adapters/server.js';
export { createInProcessTransport } from './mock/adapters/in-process.js';
export { loadProfile, DEFAULT_PROFILE_PATH } from './mock/profile/load-profile.js';
export { resolveProfile, type ResolvedProfile } from './mock/profile/resolve-profile.js';
export type { ServerProfile, QuirkSet } from './mock/profile/types.js';
export { VirtualClock, createRealClock, type Clock } from './scim/clock.js';
export { executeRun, type RunRequest, type RunOutcome, type RequestBudget } from './run/execute.js';
export { rehearse, defaultMaxRuns, type RehearseRequest } from './rehearse/engine.js';
export { ddmin } from './attribution/ddmin.js';
export { searchCauses, type CauseSearchInput, type CauseSearchResult, type CauseRow, type Replayed, type UnexplainedReason } from './attribution/search.js';
export type { RehearseReport, Attribution } from './rehearse/types.js';
export { judgeChange, worldFeatures, type Judgement, type WorldFeatures, type WorldOptions } from './rehearse/judge.js';
export { rehearseRotation, type RotationReport, type RotationRequest } from './rotate/rotate.js';
export { LoadRun, type LoadRequest, type LoadResult } from './load/runner.js';
export { createPlan, arrivalTimes, type LoadPlan, type LoadStage } from './load/schedule.js';
export { parseThreshold, evaluateThreshold, type Threshold, type ThresholdResult } from './load/thresholds.js';
export { buildLoadReport, loadReportToJson, loadReportFromJson, mergeLoadReports, type LoadReport, type LoadJson } from './load/report.js';
export { renderLoadTable, renderLoadJson, renderLoadMarkdown, renderLoadJUnit } from './report/load.js';
export { renderLoadHtml } from './report/html/load.js';

/** Runs the CLI on `argv` and returns its exit code; the command-line parser loads on the first call. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const cli = await import('./cli/main.js');
  return cli.runCli(argv, io);
}
export type { CliIO, OutputStream } from './cli/io.js';
export type { ConnectorEvent, ConnectorEventType, ConnectorSummary, DesiredState, RefusedRequest, SourceRecord } from './connector/types.js';
