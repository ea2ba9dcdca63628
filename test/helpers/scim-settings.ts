import type { ScimSettings } from '../../src/env/settings.js';

/** Settings of a valid env set pointed at `baseUrl`, with bearer auth; override what a test varies. */
export function scimSettings(baseUrl: string, overrides: Partial<ScimSettings> = {}): ScimSettings {
  return {
    baseUrl,
    tenantId: undefined,
    auth: { mode: 'bearer', token: 'good-token' },
    pageSize: 100,
    maxConcurrency: 4,
    rateLimitRps: 10,
    timeoutMs: 5_000,
    maxRetries: 2,
    userMatchAttribute: 'userName',
    updateMethod: 'patch',
    deactivationMode: 'patch',
    usernameDomain: 'example.com',
    environment: 'staging',
    ...overrides,
  };
}

/** OAuth client credentials settings for a token endpoint at `tokenUrl`. */
export function oauthAuth(tokenUrl: string, clientSecret: string, scope?: string): ScimSettings['auth'] {
  return { mode: 'oauth2', tokenUrl, clientId: 'scimsim-ci', clientSecret, scope };
}
