import type { ScimSettings } from '../env/settings.js';
import type { CapturedFrom, LatencySpec, OperationKind, QuirkSet, ServerProfile } from '../mock/profile/types.js';
import type { Clock } from '../scim/clock.js';
import type { Transport } from '../scim/transport.js';
import type { JsonObject, JsonValue } from '../scim/types.js';
import { fitLatency } from './fit.js';
import { Survey, type Probe, type SurveyKind } from './survey.js';

/** Requests a survey sends unless told otherwise: well within a 25 requests/s burst. */
export const DEFAULT_SAMPLES = 40;
/** The fewest requests that still cover discovery, a listing, the page cap and the filters. */
export const MIN_SAMPLES = 12;

export interface CaptureOptions {
  settings: ScimSettings;
  transport: Transport;
  clock: Clock;
  /** At most this many requests, the token request included. */
  samples: number;
  /** ISO time written into `capturedFrom.at`. */
  at: string;
  /** After each request: sent so far and the budget. */
  onProgress?: (sent: number, budget: number) => void;
}

/** A filter the survey tried on an account already on the target, and whether the server honoured it. */
export type FilterSupport = Record<string, boolean>;

export type Capture =
  | ({ ok: true } & Surveyed)
  /** The target could not be surveyed at all: no token, or discovery unreachable or refused. */
  | { ok: false; failure: string };

export interface Surveyed {
  profile: ServerProfile;
  /** Filters tried (`userName eq`, `userName sw`, `externalId eq`, `externalId sw`) and whether each worked. */
  filters: FilterSupport;
}

/**
 * Surveys a SCIM target read-only (RFC 7644 section 4 discovery, then GETs on /Users) and writes
 * what it learnt as a server profile the embedded mock can play: the advertised capabilities,
 * the page cap and what the server does above it, which filters work and whether userName
 * matching ignores case (tried on an account already there), latency per kind of read fitted
 * from the samples, and the 429s met. What a read-only survey cannot learn (write latency, PUT
 * and DELETE support, fault rates, write quirks, a rate limit it never met) is listed in
 * `capturedFrom.undetermined` and left to the RFC default. Never a credential or account data.
 */
export async function captureWorld(options: CaptureOptions): Promise<Capture> {
  const survey = new Survey(options.settings, options.transport, options.clock, options.samples);
  const first = await survey.get('discovery', '/ServiceProviderConfig');
  options.onProgress?.(options.samples - survey.left, options.samples);
  if (survey.tokenFailure !== undefined) return { ok: false, failure: `the OAuth token request to SCIM_OAUTH_TOKEN_URL failed (${survey.tokenFailure})` };
  if (!first || first.error !== undefined || first.status === 401 || first.status === 403 || first.status === 404) {
    const what = !first ? 'was never sent' : first.error !== undefined ? `got no answer (${first.error})` : `answered ${first.status}`;
    // Origin and path only: a base URL's userinfo or query is never echoed.
    const url = new URL(options.settings.baseUrl);
    return { ok: false, failure: `GET ${url.origin}${url.pathname.replace(/\/+$/, '')}/ServiceProviderConfig ${what}` };
  }
  return { ok: true, ...(await surveyTarget(options, survey, first)) };
}

async function surveyTarget(options: CaptureOptions, survey: Survey, spcProbe: Probe): Promise<Surveyed> {
  const { settings } = options;
  const undetermined: CapturedFrom['undetermined'] = [];
  const unknown = (field: string, because: string): void => {
    undetermined.push({ field, because });
  };
  const probe = async (kind: SurveyKind, path: string): Promise<Probe | undefined> => {
    const answer = await survey.get(kind, path);
    options.onProgress?.(options.samples - survey.left, options.samples);
    return answer;
  };

  const spc = spcProbe.status === 200 ? objectOf(spcProbe.body) : undefined;
  await probe('discovery', '/Schemas');
  await probe('discovery', '/ResourceTypes');
  const capabilities: NonNullable<ServerProfile['capabilities']> = {};
  const limits: NonNullable<ServerProfile['limits']> = {};
  const quirks: QuirkSet = {};
  if (spc) {
    const patch = supported(spc.patch);
    if (patch !== undefined) capabilities.patch = patch;
    const etag = supported(spc.etag);
    if (etag !== undefined) capabilities.etag = etag;
    const sort = supported(spc.sort);
    if (sort !== undefined) capabilities.sort = sort;
    const bulk = objectOf(spc.bulk);
    if (bulk && bulk.supported === false) capabilities.bulk = false;
    else if (bulk && typeof bulk.maxOperations === 'number' && typeof bulk.maxPayloadSize === 'number' && bulk.maxOperations > 0 && bulk.maxPayloadSize > 0) {
      capabilities.bulk = { maxOperations: bulk.maxOperations, maxPayloadSize: bulk.maxPayloadSize };
    }
  } else {
    unknown('capabilities', 'GET /ServiceProviderConfig gave no usable document');
  }
  unknown('capabilities.put', 'no discovery document advertises PUT, and trying it would write');
  unknown('capabilities.delete', 'no discovery document advertises DELETE, and trying it would write');

  // The population, and one account of it to try filters on.
  const first = objectOf((await probe('list', '/Users?startIndex=1&count=1'))?.body);
  const population = first && typeof first.totalResults === 'number' ? first.totalResults : undefined;
  const firstResources = first && Array.isArray(first.Resources) ? first.Resources : [];
  if (firstResources.length > 1) quirks.ignoreCount = true;
  const sample = objectOf(firstResources[0]);

  const advertised = spc ? objectOf(spc.filter) : undefined;
  const maxResults = advertised && typeof advertised.maxResults === 'number' && advertised.maxResults > 0 ? advertised.maxResults : undefined;
  if (maxResults === undefined) {
    unknown('limits.maxResults', 'ServiceProviderConfig advertises no filter.maxResults');
  } else {
    limits.maxResults = maxResults;
    const over = await probe('list', `/Users?startIndex=1&count=${maxResults + 1}`);
    const page = objectOf(over?.body);
    if (over && over.status === 400 && page?.scimType === 'tooMany') limits.overMaxResults = 'tooMany';
    else if (over && over.status === 200 && page) {
      limits.overMaxResults = 'cap';
      const got = Array.isArray(page.Resources) ? page.Resources.length : 0;
      if (got > maxResults) unknown('limits.maxResults', `the server returned ${got} resources for a page above its advertised maxResults ${maxResults}, so the real cap is higher`);
      if (typeof page.itemsPerPage === 'number' && page.itemsPerPage > got && got < (population ?? 0)) quirks.itemsPerPageEchoesCount = true;
    } else {
      unknown('limits.overMaxResults', `a page of ${maxResults + 1} answered ${over ? describe(over) : 'nothing (the sample budget ran out)'}`);
    }
  }

  const filters: FilterSupport = {};
  const userName = sample && typeof sample.userName === 'string' ? sample.userName : undefined;
  const externalId = sample && typeof sample.externalId === 'string' ? sample.externalId : undefined;
  const id = sample && typeof sample.id === 'string' ? sample.id : undefined;
  if (userName === undefined) {
    for (const f of ['capabilities.filterableAttributes', 'quirks.caseSensitiveUserName', 'quirks.notFoundForEmptyFilter']) {
      unknown(f, 'the target holds no account to try filters on, and the survey creates none');
    }
  } else {
    const found = async (filter: string): Promise<boolean | undefined> => {
      const answer = await probe('search', `/Users?filter=${encodeURIComponent(filter)}&count=1`);
      if (!answer || answer.error !== undefined || answer.status === 429 || answer.status >= 500) return undefined;
      const list = objectOf(answer.body);
      return answer.status === 200 && list !== undefined && typeof list.totalResults === 'number' && list.totalResults > 0;
    };
    const tryFilter = async (name: string, filter: string): Promise<void> => {
      const works = await found(filter);
      if (works !== undefined) filters[name] = works;
    };
    await tryFilter('userName eq', `userName eq "${escape(userName)}"`);
    await tryFilter('userName sw', `userName sw "${escape(userName.slice(0, 3))}"`);
    if (externalId !== undefined) {
      await tryFilter('externalId eq', `externalId eq "${escape(externalId)}"`);
      await tryFilter('externalId sw', `externalId sw "${escape(externalId.slice(0, 3))}"`);
    } else {
      unknown('filters.externalId', 'the account tried carries no externalId');
    }
    const flipped = flipCase(userName);
    if (filters['userName eq'] === true && flipped !== userName) {
      const insensitive = await found(`userName eq "${escape(flipped)}"`);
      if (insensitive !== undefined) quirks.caseSensitiveUserName = !insensitive;
    } else {
      unknown('quirks.caseSensitiveUserName', 'userName eq did not find the account tried, or its userName has no letters');
    }
    const nobody = await probe('search', `/Users?filter=${encodeURIComponent('userName eq "scimsim-capture-nobody@invalid.example"')}`);
    if (nobody && (nobody.status === 404 || nobody.status === 200)) quirks.notFoundForEmptyFilter = nobody.status === 404;
    const refused = (['userName', 'externalId'] as const).filter((a) => filters[`${a} eq`] === false);
    if (refused.length > 0) capabilities.filterableAttributes = ['id', 'displayName', ...(['userName', 'externalId'] as const).filter((a) => !refused.includes(a))];
  }

  // Latency: the rest of the budget, spread over the reads a run makes.
  const rotation: Array<[SurveyKind, string]> = [
    ['get', id === undefined ? '' : `/Users/${encodeURIComponent(id)}`],
    ['list', `/Users?startIndex=1&count=${Math.min(settings.pageSize, maxResults ?? settings.pageSize)}`],
    ['search', `/Users?filter=${encodeURIComponent(`userName eq "${escape(userName ?? 'scimsim-capture-nobody@invalid.example')}"`)}`],
    ['discovery', '/ServiceProviderConfig'],
  ];
  const reads = rotation.filter(([, path]) => path !== '');
  for (let n = 0; survey.left > 0; n++) {
    const [kind, path] = reads[n % reads.length] as [SurveyKind, string];
    await probe(kind, path);
  }

  const latency: Partial<Record<OperationKind | 'default', LatencySpec>> = {};
  for (const [kind, values] of survey.latencies) {
    const spec = fitLatency(values);
    if (spec) latency[kind] = spec;
  }
  if (Object.keys(latency).length > 0) limits.latency = latency;
  unknown('limits.latency (create, replace, patch, delete, bulk)', 'writes cannot be timed read-only; those answer at once in this world');
  unknown('faults', `${options.samples} requests cannot measure a rare transient-fault rate`);
  unknown('quirks (create, PATCH and deactivation behaviour)', 'they show only on writes');

  // RateLimit-Limit / X-RateLimit-Limit name the requests allowed per window; the window is
  // rarely stated, so the value is taken as per second only when a 429 shows the limit is real.
  const limitHeader = [...survey.rateLimitHeaders.keys()].find((h) => /limit$/.test(h));
  const limitValue = limitHeader === undefined ? undefined : Number.parseFloat(survey.rateLimitHeaders.get(limitHeader) ?? '');
  if (survey.throttled === 0) {
    unknown('limits.rateLimit', `no 429 within ${options.samples - survey.left} requests sent one at a time; any limit lies above that rate`);
  } else if (limitValue !== undefined && Number.isFinite(limitValue) && limitValue > 0) {
    limits.rateLimit = { requestsPerSecond: limitValue };
  } else {
    unknown('limits.rateLimit', `${survey.throttled} answers were 429, but no rate-limit header says the limit`);
  }

  const url = new URL(settings.baseUrl);
  const capturedFrom: CapturedFrom = {
    origin: url.origin,
    scimRoot: url.pathname.replace(/\/+$/, ''),
    at: options.at,
    samples: { ...survey.samples },
    undetermined,
  };
  if (population !== undefined) capturedFrom.population = population;
  else unknown('population', 'GET /Users gave no totalResults');
  if (survey.throttled > 0 || survey.rateLimitHeaders.size > 0) {
    capturedFrom.throttling = { throttled: survey.throttled, retryAfterMs: [...survey.retryAfterMs], headers: [...survey.rateLimitHeaders.keys()].sort() };
  }
  // Every quirk a profile plays cites where it was seen: here, the survey itself.
  const sources: Record<string, string> = {};
  for (const [quirk, on] of Object.entries(quirks)) if (on === true) sources[quirk] = `observed by scimsim world capture of ${url.origin}${capturedFrom.scimRoot} at ${options.at}`;
  const profile: ServerProfile = {
    name: `captured-${url.hostname}`,
    description: `Captured read-only from ${url.origin}${capturedFrom.scimRoot} at ${options.at} by scimsim world capture (${options.samples - survey.left} requests). Fields listed in capturedFrom.undetermined play the RFC default.`,
    ...(Object.keys(sources).length > 0 ? { sources } : {}),
    limits,
    capabilities,
    quirks,
    capturedFrom,
  };
  return { profile, filters };
}

function objectOf(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function supported(value: JsonValue | undefined): boolean | undefined {
  const o = objectOf(value);
  return o && typeof o.supported === 'boolean' ? o.supported : undefined;
}

function escape(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

/** The same userName in another letter case: upper-cases it, or lower-cases one already upper. */
function flipCase(value: string): string {
  const upper = value.toUpperCase();
  return upper === value ? value.toLowerCase() : upper;
}

function describe(probe: Probe): string {
  return probe.error !== undefined ? probe.error : `HTTP ${probe.status}`;
}
