import { sampleLogNormal, type Random } from '../../scim/random.js';
import { FNV_OFFSET, finalize32, fnv1a } from './hash.js';
import type { LatencySpec, OperationKind } from '../profile/types.js';

export interface ConditionsSpec {
  rateLimit: { requestsPerSecond: number; burst?: number } | undefined;
  latency: Partial<Record<OperationKind | 'default', LatencySpec>>;
  faults: { serverErrorRate: number; connectionResetRate: number; slowRate: number; slowMs: number };
}

/** What the world decided for one request before it is served. */
export interface RequestConditions {
  latencyMs: number;
  /** Seconds to wait, when the rate limit refused the request. */
  retryAfterSeconds?: number;
  fault?: 'reset' | 'server-error';
}

/**
 * The staging weather: a token-bucket rate limit, seeded log-normal latency per operation and
 * seeded faults. A request's latency and faults are drawn from its own identity (`key`: method,
 * path, query and body) and how many times that same request came before: the same request
 * meets the same weather whatever order it arrives in, and a retry meets fresh weather. So two
 * replays that differ only in concurrency (or in a change that touches other accounts) give an
 * account the same latency and faults; only the rate limit, which is about time, depends on order.
 */
export class WorldConditions {
  readonly #spec: ConditionsSpec;
  readonly #seed: number;
  readonly #draw = new KeyedRandom();
  readonly #seen = new OccurrenceTable();
  #tokens: number;
  #refilledAt = 0;

  constructor(spec: ConditionsSpec, seed: number | string) {
    this.#spec = spec;
    this.#seed = fnv1a(`conditions:${seed}`, FNV_OFFSET);
    this.#tokens = spec.rateLimit ? (spec.rateLimit.burst ?? spec.rateLimit.requestsPerSecond) : 0;
  }

  /** Decides latency, rate limiting and faults for a request of `kind` and identity `key` arriving at `now`. */
  decide(kind: OperationKind, now: number, key: number): RequestConditions {
    const random = this.#draw.reset(mix32(this.#seed ^ key, this.#seen.next(key)));
    const spec = this.#spec.latency[kind] ?? this.#spec.latency.default;
    const base = spec ? sampleLogNormal(random, spec.p50, spec.p99) : 0;
    const faults = this.#spec.faults;
    const slow = random.next() < faults.slowRate ? faults.slowMs : 0;
    const reset = random.next() < faults.connectionResetRate;
    const serverError = random.next() < faults.serverErrorRate;
    const latencyMs = Math.round(base + slow);
    const retryAfterSeconds = this.#takeToken(now);
    if (retryAfterSeconds !== undefined) return { latencyMs: Math.min(latencyMs, 5), retryAfterSeconds };
    if (reset) return { latencyMs, fault: 'reset' };
    if (serverError) return { latencyMs, fault: 'server-error' };
    return { latencyMs };
  }

  /** Token bucket: undefined when a token was available, else the Retry-After in whole seconds. */
  #takeToken(now: number): number | undefined {
    const limit = this.#spec.rateLimit;
    if (!limit || limit.requestsPerSecond <= 0) return undefined;
    const capacity = limit.burst ?? limit.requestsPerSecond;
    this.#tokens = Math.min(capacity, this.#tokens + ((now - this.#refilledAt) * limit.requestsPerSecond) / 1000);
    this.#refilledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / limit.requestsPerSecond));
  }
}

/** A request's identity for the weather: method, path, query and body. */
export function requestKey(method: string, path: string, query: string, body: string | undefined): number {
  let h = fnv1a(method, FNV_OFFSET);
  h = fnv1a(path, h ^ 0x20);
  h = fnv1a(query, h ^ 0x3f);
  return body === undefined ? h : fnv1a(body, h ^ 0x0a);
}

/** Two 32-bit values into one well-spread 32-bit value. */
function mix32(a: number, b: number): number {
  return finalize32(a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b));
}

/** A small generator re-seeded per request (splitmix32): one object, no allocation per request. */
class KeyedRandom implements Random {
  #state = 0;

  reset(seed: number): this {
    this.#state = seed >>> 0;
    return this;
  }

  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }
}

/**
 * How many times each request key has come, in typed arrays (open addressing, doubled at three
 * quarters full, counts saturating at 65,535): 100,000 users' requests cost about 3 MB, not a
 * Map entry each. Keys that collide in 32 bits share a count, which only shifts their weather.
 */
class OccurrenceTable {
  #keys = new Uint32Array(1 << 12);
  #counts = new Uint16Array(1 << 12);
  #size = 0;

  /** The number of earlier requests with this key; counts this one. */
  next(key: number): number {
    const k = key === 0 ? 1 : key;
    if (this.#size * 4 >= this.#keys.length * 3) this.#grow();
    const mask = this.#keys.length - 1;
    let slot = k & mask;
    for (;;) {
      const held = this.#keys[slot] ?? 0;
      if (held === k) {
        const count = this.#counts[slot] ?? 0;
        if (count < 0xffff) this.#counts[slot] = count + 1;
        return count;
      }
      if (held === 0) {
        this.#keys[slot] = k;
        this.#counts[slot] = 1;
        this.#size++;
        return 0;
      }
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const counts = this.#counts;
    this.#keys = new Uint32Array(keys.length * 2);
    this.#counts = new Uint16Array(keys.length * 2);
    const mask = this.#keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] ?? 0;
      if (k === 0) continue;
      let slot = k & mask;
      while ((this.#keys[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
      this.#keys[slot] = k;
      this.#counts[slot] = counts[i] ?? 0;
    }
  }
}
