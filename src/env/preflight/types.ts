/** What one preflight step concluded. `skip` means a step it depends on failed or it does not apply. */
export type StepStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** The steps of the preflight, in the order they run. */
export type StepId =
  | 'dns'
  | 'connect'
  | 'oauth-token'
  | 'service-provider-config'
  | 'auth-probe'
  | 'group-probe'
  | 'page-size'
  | 'update-method'
  | 'deactivation-mode';

/** One line of the preflight: its result, how long it took, and what to do when it did not pass. */
export interface PreflightStep {
  id: StepId;
  title: string;
  status: StepStatus;
  durationMs: number;
  detail: string;
  hint?: string;
}

/** What the server's ServiceProviderConfig (RFC 7643 section 5) says it supports. */
export interface AdvertisedFeatures {
  patch?: boolean;
  bulk?: boolean;
  filterMaxResults?: number;
  sort?: boolean;
  etag?: boolean;
}

/** The outcome of {@link runPreflight}. */
export interface PreflightReport {
  /** True when no step failed; warnings and skips do not spoil it. */
  ok: boolean;
  /** The base URL the preflight talked to, without credentials, query or fragment. */
  target: string;
  steps: PreflightStep[];
  advertised?: AdvertisedFeatures;
}

/** What the caller may inject; everything has a default. */
export interface PreflightOptions {
  /** An extra trusted CA (PEM) for TLS, on top of the system store; tests use it for a local CA. */
  ca?: string | Buffer;
  /** Source of the probe userName's random hex; `Math.random` by default. */
  random?: () => number;
  /** Monotonic clock in milliseconds for step durations; `performance.now` by default. */
  now?: () => number;
  /**
   * Also probe /Groups with a displayName nobody has, as Entra ID's Test Connection queries a
   * random user and a random group ("Tutorial: Develop and plan provisioning for a SCIM endpoint").
   */
  probeGroups?: boolean;
}

/** What a step concludes before the runner adds its id, title and duration. */
export interface StepOutcome<T = undefined> {
  status: StepStatus;
  detail: string;
  hint?: string;
  /** What later steps need from this one (an access token, the advertised features). */
  value?: T;
}
