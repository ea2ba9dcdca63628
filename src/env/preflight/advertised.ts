import { isRecord } from './server-text.js';
import type { AdvertisedFeatures } from './types.js';

/**
 * Reads the features a ServiceProviderConfig advertises (RFC 7643 section 5): patch, bulk, filter,
 * sort and etag, each `{ supported }`, and filter's maxResults. Booleans sent as strings ("True",
 * as some servers built for Entra ID do) are accepted; a feature left out stays undefined.
 */
export function readAdvertised(config: unknown): AdvertisedFeatures {
  const advertised: AdvertisedFeatures = {};
  if (!isRecord(config)) return advertised;
  const patch = supported(config['patch']);
  const bulk = supported(config['bulk']);
  const sort = supported(config['sort']);
  const etag = supported(config['etag']);
  const filter = config['filter'];
  const maxResults = isRecord(filter) ? positiveInteger(filter['maxResults']) : undefined;
  if (patch !== undefined) advertised.patch = patch;
  if (bulk !== undefined) advertised.bulk = bulk;
  if (maxResults !== undefined) advertised.filterMaxResults = maxResults;
  if (sort !== undefined) advertised.sort = sort;
  if (etag !== undefined) advertised.etag = etag;
  return advertised;
}

/** One line for a step's detail: "patch yes, bulk no, filter maxResults 200, sort no, etag ?" */
export function describeAdvertised(advertised: AdvertisedFeatures): string {
  const flag = (value: boolean | undefined): string => (value === undefined ? '?' : value ? 'yes' : 'no');
  const max = advertised.filterMaxResults === undefined ? 'not advertised' : String(advertised.filterMaxResults);
  return `patch ${flag(advertised.patch)}, bulk ${flag(advertised.bulk)}, filter maxResults ${max}, sort ${flag(advertised.sort)}, etag ${flag(advertised.etag)}`;
}

function supported(feature: unknown): boolean | undefined {
  if (!isRecord(feature)) return undefined;
  const value = feature['supported'];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(?:true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return undefined;
}

function positiveInteger(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}
