import type { RotationReport } from './rotate.js';

/** What a rotation rehearsal saw, and the plan of the world it played (mock only). */
export interface RotationEvidence {
  durationMs: number;
  switchAtMs: number;
  /** Mock: when the target accepted the next credential and revoked the current one. */
  world?: { nextValidFromMs: number; revokeAtMs: number | undefined };
  requests: number;
  /** Requests sent with each credential. */
  sent: { current: number; next: number };
  /** Requests refused on authorisation, by the credential they carried. */
  refused: { current: number; next: number };
  /** Access tokens issued to the current credential: when, and for how long. */
  issued: ReadonlyArray<{ atMs: number; ttlMs: number }>;
}

/**
 * The findings and verdict of a rotation: from the refusals it saw and, on the mock, from the
 * order of the world's events, which the requests alone may not show (a revocation before the
 * switch that cached access tokens hide, a next credential valid only after the switch).
 */
export function judgeRotation(input: RotationEvidence): Pick<RotationReport, 'findings' | 'verdict' | 'revokedBeforeSwitch'> {
  const findings: RotationReport['findings'] = [];
  const seconds = (ms: number | undefined): string => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
  if (input.refused.next > 0) {
    findings.push({
      code: 'next-not-accepted',
      message: `${input.refused.next} request(s) with the next credential were refused after traffic moved to it at ${seconds(input.switchAtMs)}: the target did not accept it yet. Register the next credential on the target before the deployment switches.`,
    });
  }
  if (input.refused.current > 0) {
    findings.push({
      code: 'current-revoked-early',
      message: `${input.refused.current} request(s) with the current credential were refused before traffic moved at ${seconds(input.switchAtMs)}: it was revoked (or expired) too early. Revoke the old credential only after every instance uses the next one.`,
    });
  }
  // The order of events, which the requests alone may not show.
  let revokedBeforeSwitch: RotationReport['revokedBeforeSwitch'];
  const world = input.world;
  if (world?.revokeAtMs !== undefined && world.revokeAtMs < input.switchAtMs) {
    const revokeAtMs = world.revokeAtMs;
    const lastIssued = input.issued.filter((t) => t.atMs <= revokeAtMs).at(-1);
    const expiresAt = lastIssued === undefined ? revokeAtMs : Math.max(revokeAtMs, lastIssued.atMs + lastIssued.ttlMs);
    const cachedWorkedUntilMs = Math.min(expiresAt, input.switchAtMs);
    revokedBeforeSwitch = { revokeAtMs: Math.round(revokeAtMs), switchAtMs: Math.round(input.switchAtMs), cachedWorkedUntilMs: Math.round(cachedWorkedUntilMs), firstFailureAtMs: Math.round(expiresAt) };
    // Refusals already have their finding (current-revoked-early); this one is for what they may hide.
    if (input.refused.current === 0) {
      const hidden =
        expiresAt > revokeAtMs
          ? ` Access tokens issued before it kept working from ${seconds(revokeAtMs)} until ${seconds(cachedWorkedUntilMs)}, which hid the mistake: the last one expires at ${seconds(expiresAt)}, when the first request with the current credential is refused, and any instance that needs a new token after ${seconds(revokeAtMs)} (a restart, a scale-out) is refused at once.`
          : ` Requests with it are refused from ${seconds(revokeAtMs)}; none was sent in between.`;
      findings.push({
        code: 'revoked-before-switch',
        message: `The current credential was revoked at ${seconds(revokeAtMs)}, before traffic moved to the next one at ${seconds(input.switchAtMs)}.${hidden} Revoke the old credential only after every instance uses the next one.`,
      });
    }
  }
  if (world && world.nextValidFromMs > input.switchAtMs && input.refused.next === 0) {
    findings.push({
      code: 'next-valid-after-switch',
      message: `Traffic moves to the next credential at ${seconds(input.switchAtMs)}, but the target accepts it only from ${seconds(world.nextValidFromMs)}: requests in between would be refused. Register the next credential on the target before the deployment switches.`,
    });
  }
  if (input.sent.next === 0) {
    findings.push({
      code: 'not-exercised',
      message: `No request used the next credential (${input.requests} request(s) in all, the switch at ${seconds(input.switchAtMs)} of ${seconds(input.durationMs)}): the rehearsal shows nothing about it. Raise --rate or --duration, or move --switch-at earlier.`,
    });
  }
  const orderCutsAccess = findings.some((f) => f.code === 'revoked-before-switch' || f.code === 'next-valid-after-switch');
  const refused = input.refused.current + input.refused.next;
  const verdict: RotationReport['verdict'] = refused > 0 ? 'downtime' : orderCutsAccess ? 'cuts-access' : input.sent.next === 0 ? 'not-exercised' : 'zero-downtime';
  return { findings, verdict, ...(revokedBeforeSwitch ? { revokedBeforeSwitch } : {}) };
}
