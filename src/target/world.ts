import type { ScimSettings } from '../env/settings.js';
import type { ProviderOptions } from '../mock/core/provider.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';

/**
 * The embedded provider's options for a world that the env set `settings` is valid in: its SCIM
 * root is the base URL's path, its tenant the env set's tenant when the path carries it, and it
 * accepts the env set's own credentials, as `scimsim mock` does.
 */
export function providerOptionsFor(settings: ScimSettings, profile: ResolvedProfile, seed: number | string): ProviderOptions {
  const basePath = new URL(settings.baseUrl).pathname.replace(/\/+$/, '');
  const tenantId = settings.tenantId !== undefined && basePath.split('/').includes(settings.tenantId) ? settings.tenantId : undefined;
  const options: ProviderOptions = { profile, basePath, tenantId, seed };
  if (settings.auth.mode === 'bearer') {
    options.bearerTokens = [settings.auth.token];
  } else {
    const scopes = settings.auth.scope?.split(/\s+/).filter((s) => s !== '');
    options.oauthClients = [{ clientId: settings.auth.clientId, clientSecret: settings.auth.clientSecret, ...(scopes && scopes.length > 0 ? { scopes } : {}) }];
    options.tokenPath = new URL(settings.auth.tokenUrl).pathname;
  }
  return options;
}
