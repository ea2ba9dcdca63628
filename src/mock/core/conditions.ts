import { createRandom, sampleLogNormal, type Random } from '../../scim/random.js';
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
 * seeded faults. Every request draws the same number of random values whatever its outcome,
 * so one request's fate never shifts another's: the same seed and request order replay exactly.
 */
export class WorldConditions {
  readonly #spec: ConditionsSpec;
  readonly #random: Random;
  #tokens: number;
  #refilledAt = 0;

  constructor(spec: ConditionsSpec, seed: number | string) {
    this.#spec = spec;
    this.#random = createRandom(`conditions:${seed}`);
    this.#tokens = spec.rateLimit ? (spec.rateLimit.burst ?? spec.rateLimit.requestsPerSecond) : 0;
  }

  /** Decides latency, rate limiting and faults for a request of `kind` arriving at `now`. */
  decide(kind: OperationKind, now: number): RequestConditions {
    const spec = this.#spec.latency[kind] ?? this.#spec.latency.default;
    const base = spec ? sampleLogNormal(this.#random, spec.p50, spec.p99) : (this.#random.next(), this.#random.next(), 0);
    const faults = this.#spec.faults;
    const slow = this.#random.next() < faults.slowRate ? faults.slowMs : 0;
    const reset = this.#random.next() < faults.connectionResetRate;
    const serverError = this.#random.next() < faults.serverErrorRate;
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
