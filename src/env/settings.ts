import type { ProxySettings } from '../scim/proxy.js';
import { listCatalog, type SwitchableStage } from './catalog.js';
import { effectiveValue } from './validate.js';
import type { EnvSet } from './load.js';

/** The typed configuration a valid env set describes, defaults applied. */
export interface ScimSettings {
  baseUrl: string;
  tenantId: string | undefined;
  auth:
    | { mode: 'bearer'; token: string }
    | { mode: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope: string | undefined };
  pageSize: number;
  maxConcurrency: number;
  rateLimitRps: number;
  timeoutMs: number;
  maxRetries: number;
  userMatchAttribute: 'userName' | 'externalId';
  updateMethod: 'patch' | 'put';
  deactivationMode: 'patch' | 'put' | 'delete';
  usernameDomain: string;
  environment: string;
  /**
   * Scenario stages a user variable from `--catalog` turns off (its value is `false`): the
   * client sends nothing for them, so what the scenario intends there does not happen.
   * Plain data, so a replay in a worker thread needs no catalog.
   */
  stagesOff?: StageOff[];
  /**
   * Set by `effectiveSettings` when an identity provider's dialect fixes some of the values
   * above whatever the env set says: which dialect, and per fixed setting why. Every consumer
   * (client, load, preflight) reads the values above and uses this only to say where they came from.
   */
  fixedBy?: FixedSettings;
  /**
   * The proxies of the process environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), not of the env
   * set: the CLI adds them, and every connection to the target or its token endpoint honours them.
   */
  proxy?: ProxySettings;
}

/** A stage turned off, and the variable (with its value) that turned it off. */
export interface StageOff {
  stage: SwitchableStage;
  variable: string;
  value: string;
}

/** The settings a dialect fixes, each with why (the variable it overrides has no effect). */
export interface FixedSettings {
  dialect: string;
  why: Partial<Record<'pageSize' | 'updateMethod' | 'deactivationMode', string>>;
}

/**
 * Reads the typed settings of an env set. Call it on a set that {@link validateEnvSet} found
 * valid: it does not re-validate, it only converts.
 */
export function resolveSettings(set: EnvSet): ScimSettings {
  const get = (name: string): string => effectiveValue(set, name) ?? '';
  const optional = (name: string): string | undefined => effectiveValue(set, name);
  const auth: ScimSettings['auth'] =
    get('SCIM_AUTH_MODE') === 'oauth2'
      ? {
          mode: 'oauth2',
          tokenUrl: get('SCIM_OAUTH_TOKEN_URL'),
          clientId: get('SCIM_OAUTH_CLIENT_ID'),
          clientSecret: get('SCIM_OAUTH_CLIENT_SECRET'),
          scope: optional('SCIM_OAUTH_SCOPE'),
        }
      : { mode: 'bearer', token: get('SCIM_AUTH_TOKEN') };
  const stagesOff = listCatalog().flatMap((entry): StageOff[] => {
    const value = entry.switches === undefined ? undefined : effectiveValue(set, entry.name);
    return entry.switches !== undefined && value === 'false' ? [{ stage: entry.switches, variable: entry.name, value }] : [];
  });
  return {
    ...(stagesOff.length > 0 ? { stagesOff } : {}),
    baseUrl: get('SCIM_API_BASE_URL').replace(/\/+$/, ''),
    tenantId: optional('SCIM_TENANT_ID'),
    auth,
    pageSize: Number(get('SCIM_PAGE_SIZE')),
    maxConcurrency: Number(get('SCIM_MAX_CONCURRENCY')),
    rateLimitRps: Number(get('SCIM_RATE_LIMIT_RPS')),
    timeoutMs: Number(get('SCIM_TIMEOUT_MS')),
    maxRetries: Number(get('SCIM_MAX_RETRIES')),
    userMatchAttribute: get('SCIM_USER_MATCH_ATTRIBUTE') === 'externalId' ? 'externalId' : 'userName',
    updateMethod: get('SCIM_UPDATE_METHOD') === 'put' ? 'put' : 'patch',
    deactivationMode: narrow(get('SCIM_DEACTIVATION_MODE'), ['patch', 'put', 'delete'] as const, 'patch'),
    usernameDomain: get('SCIM_USERNAME_DOMAIN'),
    environment: get('SCIM_ENVIRONMENT'),
  };
}

function narrow<T extends string>(value: string, values: readonly T[], fallback: T): T {
  return (values as readonly string[]).includes(value) ? (value as T) : fallback;
}
