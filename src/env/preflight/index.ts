import { scrubSecrets } from '../redact.js';
import type { ScimSettings } from '../settings.js';
import { parseBase, settingsSecrets, sortSecrets, type PreflightContext } from './context.js';
import { createPreflightHttp } from './http.js';
import { pureStep, runStep, skipStep, STEP_TITLES, type StepRun } from './run-step.js';
import { checkAuthProbe, checkGroupProbe, probeUserName } from './steps/auth-probe.js';
import { checkDeactivationMode, checkPageSize, checkUpdateMethod } from './steps/compatibility.js';
import { checkConnect } from './steps/connect.js';
import { checkDns } from './steps/dns.js';
import { checkOAuthToken } from './steps/oauth-token.js';
import { checkServiceProviderConfig, type DiscoveryResult } from './steps/service-provider-config.js';
import type { PreflightOptions, PreflightReport, PreflightStep, StepId, StepOutcome } from './types.js';

export type { AdvertisedFeatures, PreflightOptions, PreflightReport, PreflightStep, StepId, StepStatus } from './types.js';

const STEP_ORDER: readonly StepId[] = [
  'dns',
  'connect',
  'oauth-token',
  'service-provider-config',
  'auth-probe',
  'page-size',
  'update-method',
  'deactivation-mode',
];

/**
 * The live preflight of `scimsim check --connect`: resolves and connects to the target, gets an
 * OAuth token when configured, reads ServiceProviderConfig, probes /Users with a filter that
 * matches nobody, and compares the settings with what the server advertises.
 *
 * It only reads: GETs to the target and the token POST (RFC 6749 section 4.4) to the identity
 * provider. Each step is bounded by `settings.timeoutMs`; a step whose prerequisite failed is
 * skipped with the reason. Secrets never appear in the report: echoed server text is scrubbed
 * and credentials are shown as fingerprints.
 */
export async function runPreflight(settings: ScimSettings, options: PreflightOptions = {}): Promise<PreflightReport> {
  const now = options.now ?? (() => performance.now());
  const parsed = parseBase(settings.baseUrl);
  if (parsed === undefined) return invalidBaseReport();
  const http = createPreflightHttp(settings.timeoutMs, options.ca, settings.proxy);
  const context: PreflightContext = { settings, ...parsed, secrets: settingsSecrets(settings), http, ca: options.ca };
  const timed = <T>(id: StepId, body: (signal: AbortSignal) => Promise<StepOutcome<T>>): Promise<StepRun<T>> => runStep(id, settings.timeoutMs, now, body);
  try {
    const dns = await timed('dns', () => checkDns(context));
    const dnsFailure = skipReason(dns);
    const connect = dnsFailure === undefined ? await timed('connect', (signal) => checkConnect(context, signal)) : skipStep('connect', dnsFailure);

    // The token endpoint is usually another host (the identity provider), so it is asked even
    // when the target itself cannot be reached: the credentials can still be checked.
    const auth = settings.auth;
    const oauth: StepRun<string> =
      auth.mode === 'bearer' ? skipStep('oauth-token', 'bearer token mode') : await timed('oauth-token', (signal) => checkOAuthToken(context, auth, signal));
    const token = auth.mode === 'bearer' ? auth.token : oauth.value;
    if (auth.mode === 'oauth2' && token !== undefined) context.secrets = sortSecrets([...context.secrets, token]);

    // The probe runs even when discovery failed: Entra ID never reads ServiceProviderConfig,
    // so the probe's answer matters on its own.
    const readScim = async (bearer: string): Promise<[StepRun<DiscoveryResult>, StepRun<undefined>, StepRun<undefined> | undefined]> => {
      const discovery = await timed('service-provider-config', (signal) => checkServiceProviderConfig(context, bearer, signal));
      const userName = probeUserName(options.random ?? Math.random);
      const probe = await timed('auth-probe', (signal) => checkAuthProbe(context, bearer, userName, discovery.value?.httpStatus, signal));
      const groups = options.probeGroups === true ? await timed('group-probe', (signal) => checkGroupProbe(context, bearer, userName, discovery.value?.httpStatus, signal)) : undefined;
      return [discovery, probe, groups];
    };
    const scimFailure = skipReason(connect) ?? skipReason(oauth);
    const skipped = scimFailure ?? 'skipped: no token';
    const [discovery, probe, groupProbe] =
      scimFailure === undefined && token !== undefined
        ? await readScim(token)
        : [skipStep('service-provider-config', skipped), skipStep('auth-probe', skipped), options.probeGroups === true ? skipStep('group-probe', skipped) : undefined];

    const advertised = discovery.value?.advertised;
    const steps = [
      dns,
      connect,
      oauth,
      discovery,
      probe,
      ...(groupProbe === undefined ? [] : [groupProbe]),
      pureStep('page-size', now, () => checkPageSize(settings, advertised)),
      pureStep('update-method', now, () => checkUpdateMethod(settings, advertised)),
      pureStep('deactivation-mode', now, () => checkDeactivationMode(settings, advertised)),
    ].map((run) => scrubStep(run.step, context.secrets));
    const report: PreflightReport = { ok: steps.every((s) => s.status !== 'fail'), target: context.base, steps };
    if (advertised !== undefined) report.advertised = advertised;
    return report;
  } finally {
    await http.close();
  }
}

/**
 * Why a step that needs `dependency` must be skipped: it failed, or was itself skipped for a
 * failure. Undefined when it went well enough to go on. The reason names the first failure,
 * so the user knows which line to read.
 */
function skipReason<T>(dependency: StepRun<T>): string | undefined {
  const { status, title, detail } = dependency.step;
  if (status === 'fail') return `skipped: ${title} failed`;
  if (status === 'skip' && detail.startsWith('skipped: ')) return detail;
  return undefined;
}

/** A last line of defence: even text built from error messages passes through the scrubber. */
function scrubStep(step: PreflightStep, secrets: readonly string[]): PreflightStep {
  const scrubbed: PreflightStep = { ...step, detail: scrubSecrets(step.detail, secrets) };
  if (step.hint !== undefined) scrubbed.hint = scrubSecrets(step.hint, secrets);
  return scrubbed;
}

function invalidBaseReport(): PreflightReport {
  const steps: PreflightStep[] = STEP_ORDER.map((id) =>
    id === 'dns'
      ? { id, title: STEP_TITLES[id], status: 'fail', durationMs: 0, detail: 'SCIM_API_BASE_URL is not an http(s) URL', hint: 'set SCIM_API_BASE_URL to the SCIM root, e.g. https://staging.example.com/scim/v2' }
      : { id, title: STEP_TITLES[id], status: 'skip', durationMs: 0, detail: 'skipped: SCIM_API_BASE_URL is not an http(s) URL' },
  );
  return { ok: false, target: '(invalid URL)', steps };
}
