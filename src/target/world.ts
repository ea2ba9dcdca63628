import type { ScimSettings } from '../env/settings.js';
import type { ProviderOptions } from '../mock/core/provider.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';

/**
 * The part of a world one of `count` shards plays: every capacity the server shares among all
 * its clients is divided by `count`, so that n shard processes, each on its own embedded world,
 * meet the limits one server would put on their combined load and the merged report gives the
 * unsharded verdict. The rate limit is the world's only server-wide capacity: latency, faults,
 * page caps and body limits are per request and stay whole. The token bucket keeps at least one
 * token of burst (a smaller bucket would refuse every request), so a shard of a tiny limit
 * admits a little more at its very start than its share.
 */
export function shareWorld(profile: ResolvedProfile, count: number): ResolvedProfile {
  const limit = profile.limits.rateLimit;
  if (count <= 1 || !limit) return profile;
  return { ...profile, limits: { ...profile.limits, rateLimit: { requestsPerSecond: limit.requestsPerSecond / count, burst: Math.max(1, limit.burst / count) } } };
}

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
