/** scimsim's library API: the same building blocks the CLI uses, as named exports. */
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
export { runCli } from './cli/main.js';
