import { describe, expect, it } from 'vitest';
import { judgeRotation, type RotationEvidence } from '../../src/rotate/judge.js';

const evidence = (over: Partial<RotationEvidence>): RotationEvidence => ({
  durationMs: 300_000,
  switchAtMs: 150_000,
  world: { nextValidFromMs: 0, revokeAtMs: 240_000 },
  requests: 100,
  sent: { current: 50, next: 50 },
  refused: { current: 0, next: 0 },
  issued: [],
  ...over,
});

describe('the verdict of a rotation', () => {
  it('passes a well-ordered rotation that used both credentials', () => {
    expect(judgeRotation(evidence({}))).toEqual({ findings: [], verdict: 'zero-downtime' });
  });

  it('fails a bearer token revoked before the switch even when no request fell in between', () => {
    const judged = judgeRotation(evidence({ world: { nextValidFromMs: 0, revokeAtMs: 100_000 } }));
    expect(judged.verdict).toBe('cuts-access');
    expect(judged.revokedBeforeSwitch).toEqual({ revokeAtMs: 100_000, switchAtMs: 150_000, cachedWorkedUntilMs: 100_000, firstFailureAtMs: 100_000 });
    expect(judged.findings[0]?.message).toContain('none was sent in between');
  });

  it('gives the window of a cached access token, up to the switch or its expiry', () => {
    const short = judgeRotation(evidence({ world: { nextValidFromMs: 0, revokeAtMs: 60_000 }, issued: [{ atMs: 0, ttlMs: 90_000 }, { atMs: 30_000, ttlMs: 90_000 }] }));
    expect(short.revokedBeforeSwitch).toEqual({ revokeAtMs: 60_000, switchAtMs: 150_000, cachedWorkedUntilMs: 120_000, firstFailureAtMs: 120_000 });
    const long = judgeRotation(evidence({ world: { nextValidFromMs: 0, revokeAtMs: 60_000 }, issued: [{ atMs: 0, ttlMs: 3_600_000 }, { atMs: 70_000, ttlMs: 3_600_000 }] }));
    // A token issued after the revocation cannot be under the revoked secret: the one from 0 s counts.
    expect(long.revokedBeforeSwitch).toMatchObject({ cachedWorkedUntilMs: 150_000, firstFailureAtMs: 3_600_000 });
  });

  it('fails a next credential the target accepts only after the switch, refused or not', () => {
    expect(judgeRotation(evidence({ world: { nextValidFromMs: 200_000, revokeAtMs: undefined }, sent: { current: 100, next: 0 } })).findings.map((f) => f.code)).toEqual(['next-valid-after-switch', 'not-exercised']);
    expect(judgeRotation(evidence({ world: { nextValidFromMs: 200_000, revokeAtMs: undefined }, refused: { current: 0, next: 20 } }))).toMatchObject({ verdict: 'downtime', findings: [{ code: 'next-not-accepted' }] });
  });

  it('calls a rotation that never used the next credential not exercised, also on a live target', () => {
    const { world: _world, ...live } = evidence({ sent: { current: 1, next: 0 }, requests: 1 });
    expect(judgeRotation(live)).toMatchObject({ verdict: 'not-exercised', findings: [{ code: 'not-exercised' }] });
  });
});
