import { fingerprint } from '../fingerprint.js';
import { basicCredentialForms } from '../redact.js';
import type { ScimSettings } from '../settings.js';
import type { PreflightHttp } from './http.js';
import type { NetTarget } from './net-errors.js';
import { describeProxy, proxyFor } from '../../scim/proxy.js';

/** What every step of one preflight run shares. */
export interface PreflightContext {
  settings: ScimSettings;
  /** The base URL with credentials, query and fragment removed and no trailing slash. */
  base: string;
  /** The hostname, without the brackets of an IPv6 literal. */
  host: string;
  port: number;
  https: boolean;
  /** Every secret value the run knows, longest first, to scrub from echoed server text. */
  secrets: string[];
  http: PreflightHttp;
  ca: string | Buffer | undefined;
}

/** Splits a base URL into what the steps need; undefined when it is not an http(s) URL. */
export function parseBase(raw: string): { base: string; host: string; port: number; https: boolean } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const https = url.protocol === 'https:';
  return {
    base: `${url.origin}${url.pathname}`.replace(/\/+$/, ''),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
    https,
  };
}

/**
 * The proxy requests to the base URL go through (HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names
 * the host), as a network target naming the variable to fix; undefined when they go direct.
 */
export function baseProxy(context: PreflightContext): { url: URL; shown: string; target: NetTarget } | undefined {
  const url = proxyFor(new URL(context.base), context.settings.proxy);
  if (url === undefined) return undefined;
  const secure = url.protocol === 'https:';
  const variable = context.https && context.settings.proxy?.httpsProxy !== '' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  return {
    url,
    shown: describeProxy(url),
    target: { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? (secure ? 443 : 80) : Number(url.port), variable, timeoutMs: context.settings.timeoutMs },
  };
}

/** The base URL as a network target, for error messages that name SCIM_API_BASE_URL. */
export function baseTarget(context: PreflightContext): NetTarget {
  return { host: context.host, port: context.port, variable: 'SCIM_API_BASE_URL', timeoutMs: context.settings.timeoutMs };
}

/** The secrets of the settings, longest first, leaving out values too short to scrub safely. */
export function settingsSecrets(settings: ScimSettings): string[] {
  // The Basic credentials of an OAuth client are scrubbed whole: a token endpoint may echo them.
  const values = settings.auth.mode === 'bearer' ? [settings.auth.token] : [settings.auth.clientSecret, ...basicCredentialForms(settings.auth.clientId, settings.auth.clientSecret)];
  return sortSecrets(values);
}

/** Longest first, so a secret that contains another is replaced whole; short values would shred text. */
export function sortSecrets(values: readonly string[]): string[] {
  return [...new Set(values)].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
}

/**
 * Names the credential a 401/403 refers to, by variable and fingerprint, never by value.
 * With OAuth the access token is new each run, so the client's variables are what to check.
 */
export function credentialHint(settings: ScimSettings): string {
  if (settings.auth.mode === 'bearer') {
    const shown = settings.auth.token === '' ? '(empty)' : fingerprint(settings.auth.token);
    return `the server rejects SCIM_AUTH_TOKEN (${shown}): it may be expired, revoked, or issued for another tenant or environment`;
  }
  const scope = settings.auth.scope === undefined ? 'no SCIM_OAUTH_SCOPE' : `SCIM_OAUTH_SCOPE=${settings.auth.scope}`;
  return `the server rejects the access token of client SCIM_OAUTH_CLIENT_ID=${settings.auth.clientId} (secret ${fingerprint(settings.auth.clientSecret)}, ${scope}): check the client's permissions, scope and token audience`;
}
