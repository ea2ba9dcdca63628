import type { ScimSettings } from '../env/settings.js';
import { fingerprint } from '../env/fingerprint.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import { openTransport } from '../target/session.js';
import { providerOptionsFor } from '../target/world.js';
import { ScimClient } from '../scim/client/client.js';
import { getDialect, type DialectName } from '../scim/dialects.js';
import { createRandom } from '../scim/random.js';
import type { Transport } from '../scim/transport.js';
import { judgeRotation } from './judge.js';

export interface RotationRequest {
  /** The env set in use: its credential is the current one. */
  current: ScimSettings;
  /** The same env set with the next credential. */
  next: ScimSettings;
  target: 'mock' | 'live';
  /** Steady read traffic, requests per second, for `durationMs`. */
  rate: number;
  durationMs: number;
  /** When traffic moves to the next credential, as a deployment would switch it. */
  switchAtMs: number;
  /** Mock only: when the target starts accepting the next credential, and revokes the current one. */
  world?: { profile: ResolvedProfile; nextValidFromMs: number; revokeAtMs: number | undefined };
  dialect: DialectName;
  seed: number;
  signal?: AbortSignal;
}

export interface RotationBucket {
  fromMs: number;
  toMs: number;
  credential: 'current' | 'next' | 'both';
  requests: number;
  authFailures: number;
  otherFailures: number;
}

export interface RotationReport {
  target: 'mock' | 'live';
  credentials: { current: string; next: string; kind: 'bearer token' | 'OAuth client secret' };
  durationMs: number;
  switchAtMs: number;
  world?: { nextValidFromMs: number; revokeAtMs: number | undefined };
  requests: number;
  /** Requests refused on authorisation (401, 403, or a failed token request). */
  authFailures: { total: number; current: number; next: number; firstAtMs: number | undefined; lastAtMs: number | undefined };
  otherFailures: number;
  /** Requests sent with each credential. */
  sent: { current: number; next: number };
  /**
   * Mock: the current credential was revoked before traffic moved off it. Cached OAuth access
   * tokens may hide it for a while: they kept working from `revokeAtMs` until
   * `cachedWorkedUntilMs` (the switch, or their expiry if sooner), and `firstFailureAtMs` is when
   * a request with the current credential is refused: when the last access token issued under
   * the revoked secret expires, or at the revocation for a bearer token (and for any instance
   * that needs a new access token after it, such as one that restarts).
   */
  revokedBeforeSwitch?: { revokeAtMs: number; switchAtMs: number; cachedWorkedUntilMs: number; firstFailureAtMs: number };
  /** Findings, each a sentence a person can act on; empty when the rotation had no downtime. */
  findings: Array<{ code: 'next-not-accepted' | 'current-revoked-early' | 'revoked-before-switch' | 'next-valid-after-switch' | 'not-exercised'; message: string }>;
  timeline: RotationBucket[];
  /**
   * `zero-downtime`: both credentials were used and none refused, in the right order;
   * `downtime`: requests were refused on authorisation; `cuts-access`: nothing was refused in
   * the rehearsal, but the order of events cuts access (a revocation before the switch that cached
   * tokens hid); `not-exercised`: no request used the next credential, so nothing was shown.
   */
  verdict: 'zero-downtime' | 'downtime' | 'cuts-access' | 'not-exercised';
}

/**
 * Rehearses a credential rotation under steady traffic: read-only lookups (so it is safe on a
 * live target) at `rate` per second, sent with the current credential until `switchAtMs` and with
 * the next one after, as a deployment would switch them. On the embedded mock the target's side
 * is modelled too: it accepts the next credential from `nextValidFromMs` and revokes the current
 * one at `revokeAtMs`, on a virtual clock. Access tokens already issued under a revoked OAuth
 * client secret keep working until they expire, as they do on real authorisation servers.
 */
export async function rehearseRotation(request: RotationRequest): Promise<RotationReport> {
  const { current, next } = request;
  if (request.target === 'mock' && !request.world) throw new Error('a mock rotation needs a world');
  const { transport, clock, close } = openTransport(
    request.target === 'mock' && request.world
      ? { target: 'mock', provider: rotationWorld(current, next, request.world, request.seed) }
      : { target: 'live', connections: Math.max(2, current.maxConcurrency), timeoutMs: current.timeoutMs, proxy: current.proxy },
  );
  const dialect = getDialect(request.dialect);
  // The access tokens issued to the current credential, to know how long cached ones outlive a revocation.
  const issued: Array<{ atMs: number; ttlMs: number }> = [];
  const currentTransport: Transport =
    current.auth.mode === 'oauth2'
      ? async (req) => {
          const response = await transport(req);
          if (req.url === (current.auth.mode === 'oauth2' ? current.auth.tokenUrl : '') && response.status === 200) issued.push({ atMs: clock.now(), ttlMs: tokenLifetimeMs(response.body) });
          return response;
        }
      : transport;
  // Read-only traffic has nothing to clean up: an interrupt cuts every retry wait short.
  const interrupt = request.signal ? { interrupt: () => request.signal } : {};
  const clients = {
    current: new ScimClient(current, { transport: currentTransport, clock, random: createRandom(`rotate:current:${request.seed}`), dialect, ...interrupt }),
    next: new ScimClient(next, { transport, clock, random: createRandom(`rotate:next:${request.seed}`), dialect, ...interrupt }),
  };
  const buckets = 10;
  const width = request.durationMs / buckets;
  const timeline: RotationBucket[] = Array.from({ length: buckets }, (_, i) => ({
    fromMs: Math.round(i * width),
    toMs: Math.round((i + 1) * width),
    credential: (i + 1) * width <= request.switchAtMs ? 'current' : i * width >= request.switchAtMs ? 'next' : 'both',
    requests: 0,
    authFailures: 0,
    otherFailures: 0,
  }));
  const auth = { total: 0, current: 0, next: 0, firstAtMs: undefined as number | undefined, lastAtMs: undefined as number | undefined };
  let other = 0;
  let sent = 0;
  const sentWith = { current: 0, next: 0 };
  const total = Math.max(1, Math.floor((request.rate * request.durationMs) / 1000));
  const interval = 1000 / request.rate;
  const inFlight: Array<Promise<void>> = [];
  try {
    // Open model: each request starts at its own time, whether or not earlier ones have answered.
    for (let i = 0; i < total; i++) {
      const at = i * interval;
      const wait = at - clock.now();
      if (wait > 0) await clock.sleep(wait, request.signal).catch(() => undefined);
      if (request.signal?.aborted) break;
      const which = at < request.switchAtMs ? 'current' : 'next';
      const bucket = timeline[Math.min(buckets - 1, Math.floor(at / width))] as RotationBucket;
      sent++;
      sentWith[which]++;
      inFlight.push(
        clients[which].http.send({ method: 'GET', path: `/Users?filter=${encodeURIComponent(`userName eq "rotation-probe-${i}@example.com"`)}&count=1` }).then((outcome) => {
          bucket.requests++;
          if (outcome.ok) return;
          if (outcome.status === 401 || outcome.status === 403 || outcome.scimType === 'invalid_client' || outcome.scimType === 'token-request-failed') {
            bucket.authFailures++;
            auth.total++;
            auth[which]++;
            auth.firstAtMs ??= Math.round(at);
            auth.lastAtMs = Math.round(at);
          } else {
            bucket.otherFailures++;
            other++;
          }
        }),
      );
    }
    await Promise.all(inFlight);
  } finally {
    await close();
  }
  const { findings, verdict, revokedBeforeSwitch } = judgeRotation({
    durationMs: request.durationMs,
    switchAtMs: request.switchAtMs,
    ...(request.world ? { world: { nextValidFromMs: request.world.nextValidFromMs, revokeAtMs: request.world.revokeAtMs } } : {}),
    requests: sent,
    sent: sentWith,
    refused: { current: auth.current, next: auth.next },
    issued,
  });
  return {
    target: request.target,
    credentials: credentialsOf(current, next),
    durationMs: request.durationMs,
    switchAtMs: request.switchAtMs,
    ...(request.world ? { world: { nextValidFromMs: request.world.nextValidFromMs, revokeAtMs: request.world.revokeAtMs } } : {}),
    requests: sent,
    sent: sentWith,
    authFailures: auth,
    otherFailures: other,
    ...(revokedBeforeSwitch ? { revokedBeforeSwitch } : {}),
    findings,
    timeline,
    verdict,
  };
}

/** An OAuth token response's `expires_in`, in ms (an hour when it gives none, as the client assumes). */
function tokenLifetimeMs(body: string): number {
  try {
    const json: unknown = JSON.parse(body);
    const seconds = typeof json === 'object' && json !== null && 'expires_in' in json ? json.expires_in : undefined;
    return typeof seconds === 'number' ? seconds * 1000 : 3_600_000;
  } catch {
    return 3_600_000;
  }
}

/** The mock world's side of the rotation: current valid until revocation, next from its start. */
function rotationWorld(current: ScimSettings, next: ScimSettings, world: NonNullable<RotationRequest['world']>, seed: number) {
  const options = providerOptionsFor(current, world.profile, seed);
  const revoke = world.revokeAtMs === undefined ? {} : { validUntilMs: world.revokeAtMs };
  const credentials = { ...world.profile.credentials, acceptEnvCredentials: false };
  if (current.auth.mode === 'bearer' && next.auth.mode === 'bearer') {
    credentials.bearerTokens = [{ token: current.auth.token, ...revoke }, { token: next.auth.token, validFromMs: world.nextValidFromMs }];
  } else if (current.auth.mode === 'oauth2' && next.auth.mode === 'oauth2') {
    const scopes = (s: string | undefined): { scopes?: string[] } => {
      const list = s?.split(/\s+/).filter((x) => x !== '') ?? [];
      return list.length > 0 ? { scopes: list } : {};
    };
    credentials.oauthClients = [
      { clientId: current.auth.clientId, clientSecret: current.auth.clientSecret, ...scopes(current.auth.scope), ...revoke },
      { clientId: next.auth.clientId, clientSecret: next.auth.clientSecret, ...scopes(next.auth.scope), validFromMs: world.nextValidFromMs },
    ];
  }
  return { ...options, profile: { ...world.profile, credentials } };
}

function credentialsOf(current: ScimSettings, next: ScimSettings): RotationReport['credentials'] {
  if (current.auth.mode === 'oauth2' && next.auth.mode === 'oauth2') {
    return { current: fingerprint(current.auth.clientSecret), next: fingerprint(next.auth.clientSecret), kind: 'OAuth client secret' };
  }
  const token = (s: ScimSettings): string => (s.auth.mode === 'bearer' ? s.auth.token : '');
  return { current: fingerprint(token(current)), next: fingerprint(token(next)), kind: 'bearer token' };
}
