import { catalog } from '../env/catalog.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { QuirkName } from '../mock/profile/types.js';
import { QUIRK_NAMES } from '../mock/profile/validate-profile.js';
import { getDialect, type DialectName } from '../scim/dialects.js';

/**
 * What a mock world can show, read from its resolved profile and the rehearsal's own options.
 * A change can only be called harmless by a world that could have exhibited its harm: a timeout
 * cut means nothing in a world where every answer is instant.
 */
export interface WorldFeatures {
  /** The profile's name, for messages. */
  name: string;
  /** The slowest operation's p99 in milliseconds; undefined when the world answers at once. */
  latencyP99Ms: number | undefined;
  /** A share of requests held back by `ms` more (faults.slowRate / slowMs); undefined when none. */
  stalls: { rate: number; ms: number } | undefined;
  /** The server's token bucket: above it, 429 with Retry-After. */
  rateLimit: { requestsPerSecond: number; burst: number } | undefined;
  /**
   * A page cap a client's page size can reach (filter.maxResults below SCIM_PAGE_SIZE's maximum),
   * and what the server does above it. `spansPages`: the population fills more than one capped
   * page, so a client that pages wrongly loses accounts even where the cap is silent.
   */
  pageCap: { maxResults: number; over: 'cap' | 'tooMany'; spansPages: boolean } | undefined;
  /** Transient 5xx or connection resets; undefined when none. */
  transientFaults: { serverErrorRate: number; connectionResetRate: number } | undefined;
  /**
   * Accounts on the target before the run starts: the profile's population, some of the run's
   * own users provisioned earlier (at most the users that are not deliberate collisions).
   */
  preexistingAccounts: number;
  /** `--collisions`: synthetic users whose userName differs only in case from another's. */
  caseCollisions: number;
  /** Quirks the world plays (true in the profile), in the profile's order. */
  quirks: QuirkName[];
  /** Attributes a filter may use; undefined: all. */
  filterableAttributes: readonly string[] | undefined;
  /** userName domains the world accepts; undefined: any. */
  allowedUserNameDomains: readonly string[] | undefined;
  /** The embedded provider always checks credentials and answers 404 outside its SCIM root. */
  checksCredentials: boolean;
  checksPaths: boolean;
  /** Methods the world implements, as its discovery advertises them. */
  methods: { patch: boolean; put: boolean; delete: boolean };
  /** Catalog variables the dialect fixes, with why: their changes have no effect in any world. */
  dialectIgnores: Readonly<Record<string, string>>;
  dialect: DialectName;
}

/** The rehearsal's options that shape what a world can show. */
export interface WorldOptions {
  users: number;
  collisions?: number;
  dialect?: DialectName;
}

/** The largest SCIM_PAGE_SIZE the catalog allows: a cap at or above it is never reached. */
const LARGEST_PAGE_SIZE = 1000;
/** The smallest SCIM_TIMEOUT_MS the catalog allows: slower answers than this can time out. */
const SMALLEST_TIMEOUT_MS = 100;

/** Derives what the world in `profile` can exhibit, for a rehearsal of `options.users` users. */
export function worldFeatures(profile: ResolvedProfile, options: WorldOptions): WorldFeatures {
  const dialect = options.dialect ?? 'rfc';
  const collisions = options.collisions ?? 0;
  const { limits, faults, capabilities } = profile;
  const p99s = Object.values(limits.latency).map((spec) => spec.p99).filter((p99) => p99 > 0);
  const population = options.users + collisions;
  const capReachable = limits.maxResults < LARGEST_PAGE_SIZE && !profile.quirks.ignoreCount;
  return {
    name: profile.name,
    latencyP99Ms: p99s.length === 0 ? undefined : Math.max(...p99s),
    stalls: faults.slowRate > 0 && faults.slowMs > 0 ? { rate: faults.slowRate, ms: faults.slowMs } : undefined,
    rateLimit: limits.rateLimit && { ...limits.rateLimit },
    pageCap: capReachable ? { maxResults: limits.maxResults, over: limits.overMaxResults, spansPages: population > limits.maxResults } : undefined,
    transientFaults:
      faults.serverErrorRate > 0 || faults.connectionResetRate > 0
        ? { serverErrorRate: faults.serverErrorRate, connectionResetRate: faults.connectionResetRate }
        : undefined,
    preexistingAccounts: Math.min(profile.population.count, Math.max(0, options.users - collisions)),
    caseCollisions: collisions,
    quirks: QUIRK_NAMES.filter((name) => profile.quirks[name]),
    filterableAttributes: capabilities.filterableAttributes,
    allowedUserNameDomains: capabilities.allowedUserNameDomains,
    checksCredentials: true,
    checksPaths: true,
    methods: { patch: capabilities.patch, put: capabilities.put, delete: capabilities.delete },
    dialectIgnores: getDialect(dialect).ignores,
    dialect,
  };
}

export type Judgement = { judged: true } | { judged: false; because: string; wouldJudge: string };

/** A shipped world with latency, a rate limit, a page cap and transient faults. */
const REALISTIC = 'such as fixtures/servers/staging.json or a profile written after your own staging';

/**
 * Whether `world` could show the harm a change of `variable` can do, so that a rehearsal in it
 * may call the change harmless. When it cannot, `because` says what the world lacks and
 * `wouldJudge` what kind of world would judge it; the change is then "not judged by this world",
 * never "harmless". `'live'` is a real target: it shows whatever it does, so every variable the
 * client sends is judged there.
 */
export function judgeChange(variable: string, world: WorldFeatures | 'live'): Judgement {
  const entry = catalog.get(variable);
  if (!entry) {
    return notJudged(
      `scimsim's client does not read ${variable}, so no replay can show what it does`,
      'none that scimsim can build: map it onto a catalog variable with --alias if it is one, or check it by hand',
    );
  }
  // A variable of the user's catalog that the client does not read (usage none) shows nothing in a replay.
  if (entry.declaredAt !== undefined && entry.switches === undefined) {
    return notJudged(
      `${variable} is declared in ${entry.declaredAt.file} with usage none, so scimsim's client does not read it`,
      'none that scimsim can build: give it a usage (alias or switch) if the client should use it, or check it by hand',
    );
  }
  if (variable === 'SCIM_ENVIRONMENT') return judgeEnvironment();
  if (world === 'live') return JUDGED;
  // The identity provider sends its own value: the change has no effect, whatever the world.
  if (world.dialectIgnores[variable] !== undefined) return JUDGED;
  const rule = RULES[variable];
  return rule ? rule(world) : JUDGED;
}

const JUDGED: Judgement = { judged: true };

function notJudged(because: string, wouldJudge: string): Judgement {
  return { judged: false, because, wouldJudge };
}

/** Slow answers that a client timeout can cut: a latency tail or stalls of at least the smallest timeout. */
function canTimeOut(world: WorldFeatures): boolean {
  return (world.latencyP99Ms ?? 0) >= SMALLEST_TIMEOUT_MS || (world.stalls?.ms ?? 0) >= SMALLEST_TIMEOUT_MS;
}

function judgeTimeout(world: WorldFeatures): Judgement {
  if (world.latencyP99Ms !== undefined || world.stalls) return JUDGED;
  return notJudged('the world has no latency: every answer arrives at once, so no timeout can expire', `a world with latency, ${REALISTIC}`);
}

function judgeRetries(world: WorldFeatures): Judgement {
  if (world.transientFaults || world.rateLimit || canTimeOut(world)) return JUDGED;
  return notJudged(
    'the world has no transient faults, no rate limit (429) and no latency that can time out, so no request is ever retried',
    `a world with transient faults, a rate limit or latency, ${REALISTIC}`,
  );
}

function judgeThroughput(world: WorldFeatures): Judgement {
  if (world.rateLimit) return JUDGED;
  return notJudged('the world has no rate limit: no request rate or concurrency ever meets a 429', `a world with a server rate limit (limits.rateLimit), ${REALISTIC}`);
}

function judgePageSize(world: WorldFeatures): Judgement {
  const cap = world.pageCap;
  if (cap && (cap.over === 'tooMany' || cap.spansPages)) return JUDGED;
  if (world.quirks.includes('itemsPerPageEchoesCount')) return JUDGED;
  const because = cap
    ? `the world caps pages at ${cap.maxResults} but the population fits in one page, so a capped page loses nothing`
    : world.quirks.includes('ignoreCount')
      ? 'the world ignores count and answers every list in one page'
      : `the world has no page cap below ${LARGEST_PAGE_SIZE}, the largest page size a client can ask for`;
  return notJudged(because, `a world with a page cap (limits.maxResults, with overMaxResults tooMany or more users than one page holds), ${REALISTIC}`);
}

function judgeMatch(world: WorldFeatures): Judgement {
  if (world.preexistingAccounts > 0 || world.caseCollisions > 0 || world.filterableAttributes !== undefined) return JUDGED;
  return notJudged(
    'the target holds no account before the run and no userName collides, so every lookup finds nothing whatever attribute it matches on',
    'a rehearsal with --collisions N (users whose userName differs only in case), or a world with pre-existing accounts or a filter restriction (capabilities.filterableAttributes)',
  );
}

function judgeDomain(world: WorldFeatures): Judgement {
  if (world.preexistingAccounts > 0 || world.caseCollisions > 0 || world.allowedUserNameDomains !== undefined) return JUDGED;
  return notJudged(
    'the world accepts any userName domain and holds no account a new userName could collide with',
    'a world that restricts userName domains (capabilities.allowedUserNameDomains) or holds pre-existing accounts, or a rehearsal with --collisions N',
  );
}

function judgeAuth(world: WorldFeatures): Judgement {
  if (world.checksCredentials) return JUDGED;
  return notJudged('the world does not check credentials', 'any world that checks credentials, such as the embedded mock');
}

function judgeEndpoint(world: WorldFeatures): Judgement {
  if (world.checksPaths) return JUDGED;
  return notJudged('the world answers on any path', 'any world that serves only its SCIM root, such as the embedded mock');
}

/** Per variable; a catalog variable without a rule is judged by any world (auth and endpoint aside, which say so). */
const RULES: Readonly<Record<string, (world: WorldFeatures) => Judgement>> = {
  SCIM_API_BASE_URL: judgeEndpoint,
  SCIM_TENANT_ID: judgeEndpoint,
  SCIM_AUTH_MODE: judgeAuth,
  SCIM_AUTH_TOKEN: judgeAuth,
  SCIM_OAUTH_TOKEN_URL: judgeAuth,
  SCIM_OAUTH_CLIENT_ID: judgeAuth,
  SCIM_OAUTH_CLIENT_SECRET: judgeAuth,
  SCIM_OAUTH_SCOPE: judgeAuth,
  SCIM_PAGE_SIZE: judgePageSize,
  SCIM_MAX_CONCURRENCY: judgeThroughput,
  SCIM_RATE_LIMIT_RPS: judgeThroughput,
  SCIM_TIMEOUT_MS: judgeTimeout,
  SCIM_MAX_RETRIES: judgeRetries,
  SCIM_USER_MATCH_ATTRIBUTE: judgeMatch,
  SCIM_USERNAME_DOMAIN: judgeDomain,
  // The world implements PATCH, PUT and DELETE exactly as its discovery advertises them.
  SCIM_UPDATE_METHOD: () => JUDGED,
  SCIM_DEACTIVATION_MODE: () => JUDGED,
};

function judgeEnvironment(): Judgement {
  return notJudged(
    'SCIM_ENVIRONMENT never reaches the server: it only guards live runs against production',
    'none: it changes no request; check the production consent with a live run (--target live)',
  );
}
