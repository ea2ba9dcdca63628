import type { ScimSettings } from '../../settings.js';
import type { AdvertisedFeatures, StepOutcome } from '../types.js';

/** Why a comparison cannot run when ServiceProviderConfig was not read. */
const NOT_READ = 'ServiceProviderConfig was not read';

/**
 * Compares SCIM_PAGE_SIZE with the advertised filter.maxResults (RFC 7643 section 5). Undefined
 * `advertised` means discovery failed; a server that does not advertise the limit gets a warning,
 * since some cap pages silently.
 */
export function checkPageSize(settings: ScimSettings, advertised: AdvertisedFeatures | undefined): StepOutcome {
  const size = settings.pageSize;
  if (advertised === undefined) return { status: 'skip', detail: `skipped: ${NOT_READ} (SCIM_PAGE_SIZE=${size} not checked)` };
  const max = advertised.filterMaxResults;
  if (max === undefined) {
    return {
      status: 'warn',
      detail: `server does not advertise filter.maxResults; SCIM_PAGE_SIZE=${size} cannot be checked`,
      hint: 'some servers cap pages silently (Keycloak at 100); if a read-back misses users, lower SCIM_PAGE_SIZE',
    };
  }
  if (size > max) {
    return {
      status: 'fail',
      detail: `SCIM_PAGE_SIZE=${size} is above the advertised filter.maxResults ${max}`,
      hint: `set SCIM_PAGE_SIZE <= ${max}; servers answer 400 tooMany or truncate pages`,
    };
  }
  return { status: 'pass', detail: `SCIM_PAGE_SIZE=${size} is within filter.maxResults ${max}` };
}

/** PUT replaces a resource and every SCIM server has it (RFC 7644 section 3.5.1); PATCH is optional (3.5.2). */
export function checkUpdateMethod(settings: ScimSettings, advertised: AdvertisedFeatures | undefined): StepOutcome {
  if (settings.updateMethod === 'put') return { status: 'pass', detail: 'SCIM_UPDATE_METHOD=put: every SCIM server supports PUT' };
  return checkPatch('SCIM_UPDATE_METHOD', 'updates by PATCH would be refused', advertised);
}

/**
 * Deactivation by PATCH needs PATCH; by DELETE it cannot be checked (SCIM advertises no DELETE
 * support) and it cannot be undone, so it always warns.
 */
export function checkDeactivationMode(settings: ScimSettings, advertised: AdvertisedFeatures | undefined): StepOutcome {
  switch (settings.deactivationMode) {
    case 'put':
      return { status: 'pass', detail: 'SCIM_DEACTIVATION_MODE=put: active=false by PUT, which every SCIM server supports' };
    case 'delete':
      return {
        status: 'warn',
        detail: 'SCIM_DEACTIVATION_MODE=delete: DELETE support cannot be discovered, and deletes are irreversible',
        hint: 'prefer SCIM_DEACTIVATION_MODE=patch or put (active=false) unless the server must remove accounts; run against staging first',
      };
    case 'patch':
      return checkPatch('SCIM_DEACTIVATION_MODE', 'deactivations by PATCH would be refused and accounts would stay active', advertised);
  }
}

function checkPatch(variable: string, consequence: string, advertised: AdvertisedFeatures | undefined): StepOutcome {
  if (advertised === undefined) return { status: 'skip', detail: `skipped: ${NOT_READ} (PATCH support unknown)` };
  if (advertised.patch === false) {
    return {
      status: 'fail',
      detail: `${variable}=patch but the server advertises patch.supported=false`,
      hint: `set ${variable}=put: ${consequence}`,
    };
  }
  if (advertised.patch === undefined) {
    return {
      status: 'warn',
      detail: `${variable}=patch but the server does not advertise patch.supported`,
      hint: `if PATCH requests fail with 501 or 405, set ${variable}=put`,
    };
  }
  return { status: 'pass', detail: `${variable}=patch and the server supports PATCH` };
}
