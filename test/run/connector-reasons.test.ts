import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/run/ledger.js';

const CONNECTOR = { error: 'connector-error' } as const;

describe('connector errors in the ledger', () => {
  it('keep each message as a reason of its own, so one message never stands for another', () => {
    const ledger = new Ledger(6);
    ledger.block(0, 'create', CONNECTOR, undefined, 'POST /Users answered 409');
    ledger.block(1, 'create', CONNECTOR, undefined, 'ACME_REGION is not set');
    ledger.block(2, 'create', CONNECTOR, undefined, 'POST /Users answered 409');
    ledger.block(3, 'update', CONNECTOR, undefined, 'POST /Users answered 409');
    expect(ledger.reasons.map((r) => r.detail)).toEqual(['POST /Users answered 409', 'ACME_REGION is not set', 'POST /Users answered 409']);
    expect([...ledger.failReason.slice(0, 4)]).toEqual([0, 1, 0, 2]);
    // Another kind of error is still grouped by status, whatever its detail.
    ledger.block(4, 'create', { status: 500 }, undefined, 'first');
    ledger.block(5, 'create', { status: 500 }, undefined, 'second');
    expect(ledger.failReason[4]).toBe(ledger.failReason[5]);
  });

  it('cap the distinct messages of a stage, gathering the rest under one reason that says so', () => {
    const ledger = new Ledger(30);
    for (let i = 0; i < 30; i++) ledger.block(i, 'create', CONNECTOR, undefined, `user ${i} failed`);
    expect(ledger.reasons).toHaveLength(21);
    expect(ledger.reasons[20]?.detail).toContain('more than 20 distinct ones');
    expect(new Set(ledger.failReason.slice(20, 30))).toEqual(new Set([20]));
  });
});
