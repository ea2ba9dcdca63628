import type { FixedSettings, ScimSettings } from '../env/settings.js';
import type { Dialect } from './dialects.js';

/**
 * The settings a run under `dialect` actually uses: the env set's, except where the identity
 * provider gives the connector no choice (Okta lists with count=100 and updates by PUT, Entra
 * updates and deactivates by PATCH). The one home of that rule: the client, `load`, `rehearse`
 * and the `check --connect` preflight all read its result instead of consulting the dialect.
 * Idempotent, so a client handed effective settings computes nothing new.
 */
export function effectiveSettings(settings: ScimSettings, dialect: Dialect): ScimSettings {
  const why: FixedSettings['why'] = {};
  const next: ScimSettings = { ...settings };
  if (dialect.pageSize !== undefined) {
    next.pageSize = dialect.pageSize;
    why.pageSize = dialect.ignores.SCIM_PAGE_SIZE ?? `${dialect.name} lists with count=${dialect.pageSize}`;
  }
  if (dialect.updateMethod !== undefined) {
    next.updateMethod = dialect.updateMethod;
    why.updateMethod = dialect.ignores.SCIM_UPDATE_METHOD ?? `${dialect.name} updates by ${dialect.updateMethod.toUpperCase()}`;
  }
  if (dialect.deactivation !== undefined) {
    next.deactivationMode = dialect.deactivation;
    why.deactivationMode = dialect.ignores.SCIM_DEACTIVATION_MODE ?? `${dialect.name} deactivates by ${dialect.deactivation.toUpperCase()}`;
  }
  if (Object.keys(why).length === 0) {
    delete next.fixedBy;
    return next;
  }
  next.fixedBy = { dialect: dialect.name, why };
  return next;
}
