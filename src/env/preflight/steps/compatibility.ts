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
  const fixed = fixedBy(settings, 'pageSize');
  // Under a dialect that fixes the page size, SCIM_PAGE_SIZE is ignored: the fixed count is what the server meets.
  const subject = fixed === undefined ? `SCIM_PAGE_SIZE=${size}` : `${fixed.dialect}'s fixed count=${size} (${fixed.why}; SCIM_PAGE_SIZE has no effect)`;
  if (advertised === undefined) return { status: 'skip', detail: `skipped: ${NOT_READ} (${subject} not checked)` };
  const max = advertised.filterMaxResults;
  if (max === undefined) {
    return {
      status: 'warn',
      detail: `server does not advertise filter.maxResults; ${subject} cannot be checked`,
      hint: fixed === undefined ? 'some servers cap pages silently (Keycloak at 100); if a read-back misses users, lower SCIM_PAGE_SIZE' : `some servers cap pages silently; ${fixed.dialect} cannot be told to ask for less`,
    };
  }
  if (size > max) {
    return {
      status: 'fail',
      detail: `${subject} is above the advertised filter.maxResults ${max}`,
      hint:
        fixed === undefined
          ? `set SCIM_PAGE_SIZE <= ${max}; servers answer 400 tooMany or truncate pages`
          : `raise the server's filter.maxResults to at least ${size}: ${fixed.dialect} cannot be told to ask for less, and servers answer 400 tooMany or truncate pages`,
    };
  }
  return { status: 'pass', detail: `${subject} is within filter.maxResults ${max}` };
}

/** The dialect that fixed `key` in effectiveSettings, with why; undefined when the env set decides. */
function fixedBy(settings: ScimSettings, key: 'pageSize' | 'updateMethod' | 'deactivationMode'): { dialect: string; why: string } | undefined {
  const why = settings.fixedBy?.why[key];
  return settings.fixedBy === undefined || why === undefined ? undefined : { dialect: settings.fixedBy.dialect, why };
}

/** PUT replaces a resource and every SCIM server has it (RFC 7644 section 3.5.1); PATCH is optional (3.5.2). */
export function checkUpdateMethod(settings: ScimSettings, advertised: AdvertisedFeatures | undefined): StepOutcome {
  const fixed = fixedBy(settings, 'updateMethod');
  if (fixed !== undefined) {
    // SCIM_UPDATE_METHOD is ignored under this dialect: check the method it sends instead.
    const said = `${fixed.why} (SCIM_UPDATE_METHOD has no effect under --dialect ${fixed.dialect})`;
    if (settings.updateMethod === 'put') return { status: 'pass', detail: `${said}: every SCIM server supports PUT` };
    return checkPatch(said, `${fixed.dialect}'s updates would be refused`, advertised, `${fixed.dialect} cannot be told to use PUT; the server must support PATCH`);
  }
  if (settings.updateMethod === 'put') return { status: 'pass', detail: 'SCIM_UPDATE_METHOD=put: every SCIM server supports PUT' };
  return checkPatch('SCIM_UPDATE_METHOD=patch', 'updates by PATCH would be refused', advertised, 'set SCIM_UPDATE_METHOD=put');
}

/**
 * Deactivation by PATCH needs PATCH; by DELETE it cannot be checked (SCIM advertises no DELETE
 * support) and it cannot be undone, so it always warns.
 */
export function checkDeactivationMode(settings: ScimSettings, advertised: AdvertisedFeatures | undefined): StepOutcome {
  const fixed = fixedBy(settings, 'deactivationMode');
  if (fixed !== undefined) {
    const said = `${fixed.why} (SCIM_DEACTIVATION_MODE has no effect under --dialect ${fixed.dialect})`;
    if (settings.deactivationMode === 'put') return { status: 'pass', detail: `${said}: every SCIM server supports PUT` };
    if (settings.deactivationMode === 'patch') return checkPatch(said, 'accounts would stay active', advertised, `${fixed.dialect} cannot be told to deactivate otherwise; the server must support PATCH`);
  }
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
      return checkPatch('SCIM_DEACTIVATION_MODE=patch', 'deactivations by PATCH would be refused and accounts would stay active', advertised, 'set SCIM_DEACTIVATION_MODE=put');
  }
}

/** `subject` says who sends PATCH (a variable=patch, or a dialect); `remedy` what to do when the server lacks it. */
function checkPatch(subject: string, consequence: string, advertised: AdvertisedFeatures | undefined, remedy: string): StepOutcome {
  if (advertised === undefined) return { status: 'skip', detail: `skipped: ${NOT_READ} (PATCH support unknown)` };
  if (advertised.patch === false) {
    return {
      status: 'fail',
      detail: `${subject} but the server advertises patch.supported=false`,
      hint: `${remedy}: ${consequence}`,
    };
  }
  if (advertised.patch === undefined) {
    return {
      status: 'warn',
      detail: `${subject} but the server does not advertise patch.supported`,
      hint: `if PATCH requests fail with 501 or 405, ${remedy}`,
    };
  }
  return { status: 'pass', detail: `${subject} and the server supports PATCH` };
}
