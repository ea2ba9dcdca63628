import type { ResolvedProfile } from '../profile/resolve-profile.js';
import type { ScimStore } from './store.js';

/** What a route handler works with for one request. */
export interface RouteContext {
  store: ScimStore;
  profile: ResolvedProfile;
  /** Absolute SCIM root of this request (origin + base path), for `meta.location` and `Location`. */
  root: string;
  /** Milliseconds since the world started (virtual or real). */
  now: number;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | undefined>>;
}

/** Splits a comma-separated `attributes` / `excludedAttributes` parameter. */
export function listParam(value: string | null | undefined): string[] | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
