import { describe, expect, it } from 'vitest';
import { evaluateThreshold, parseThreshold, type MetricSource } from '../../src/load/thresholds.js';

const source: MetricSource = {
  latencyMs: (op, stat) => (op === 'create' ? { p95: 480, p99: 900, avg: 120, max: 1200 }[stat] ?? NaN : stat === 'p99.9' ? 2500 : 300),
  counter: (op, name) => (name === 'errors.rate' ? (op === undefined ? 0.02 : 0.001) : name === 'dropped.count' ? 3 : 0),
};

describe('thresholds', () => {
  it('reads k6-style expressions with or without an operation', () => {
    expect(parseThreshold('create.p95<500')).toMatchObject({ operation: 'create', metric: 'p95', comparator: '<', value: 500 });
    expect(parseThreshold(' errors.rate < 0.01 ')).toMatchObject({ operation: undefined, metric: 'errors.rate', value: 0.01, expression: 'errors.rate < 0.01' });
    expect(parseThreshold('create.p(95)<=500')).toMatchObject({ metric: 'p(95)', comparator: '<=' });
    expect(parseThreshold('lookup.errors.count==0')).toMatchObject({ operation: 'lookup', metric: 'errors.count', comparator: '==' });
    expect(parseThreshold('dropped.count<10')).toMatchObject({ operation: undefined, metric: 'dropped.count' });
  });

  it('checks each against the measured value', () => {
    expect(evaluateThreshold(parseThreshold('create.p95<500'), source)).toEqual({ expression: 'create.p95<500', ok: true, actual: 480 });
    expect(evaluateThreshold(parseThreshold('create.p(99)<500'), source)).toMatchObject({ ok: false, actual: 900 });
    expect(evaluateThreshold(parseThreshold('errors.rate<0.01'), source)).toMatchObject({ ok: false, actual: 0.02 });
    expect(evaluateThreshold(parseThreshold('create.errors.rate<0.01'), source)).toMatchObject({ ok: true, actual: 0.001 });
    expect(evaluateThreshold(parseThreshold('p99.9<3000'), source)).toMatchObject({ ok: true, actual: 2500 });
    expect(evaluateThreshold(parseThreshold('dropped.count==0'), source)).toMatchObject({ ok: false, actual: 3 });
    expect(evaluateThreshold(parseThreshold('create.max>=1200'), source)).toMatchObject({ ok: true });
  });

  it('names what is wrong with a bad one and suggests the metric meant', () => {
    expect(() => parseThreshold('create.p95')).toThrow(/not METRIC<VALUE/);
    expect(() => parseThreshold('create.p59x<5')).toThrow(/'create.p59x' is not a load metric/);
    try {
      parseThreshold('eror.rate<0.1');
    } catch (error) {
      expect((error as { hint?: string }).hint).toMatch(/Did you mean 'errors.rate'/);
      return;
    }
    throw new Error('expected a bad metric to be refused');
  });
});
