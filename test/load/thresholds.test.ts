import { describe, expect, it } from 'vitest';
import { evaluateThreshold, parseThreshold, type MetricSource } from '../../src/load/thresholds.js';

const source: MetricSource = {
  latencyMs: (op, kind, stat) => {
    if (op === 'update') return { noData: 'every update request failed (4 of 4)' };
    if (op === 'create') return { value: kind === 'server' ? 95 : ({ p95: 480, p99: 900, avg: 120, max: 1200 }[stat] ?? NaN) };
    return { value: stat === 'p99.9' ? 2500 : 300 };
  },
  counter: (op, name) => {
    if (op === 'list') return { noData: 'no list request was sent' };
    return { value: name === 'errors.rate' ? (op === undefined ? 0.02 : 0.001) : name === 'dropped.count' ? 3 : 0 };
  },
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

  it('names the latency it reads: iteration time unless server is named', () => {
    expect(parseThreshold('create.p95<500')).toMatchObject({ latency: 'iteration', metric: 'p95' });
    expect(parseThreshold('create.iteration.p95<500')).toMatchObject({ operation: 'create', latency: 'iteration', metric: 'p95' });
    expect(parseThreshold('create.server.p(99)<500')).toMatchObject({ operation: 'create', latency: 'server', metric: 'p(99)' });
    expect(parseThreshold('server.avg<100')).toMatchObject({ operation: undefined, latency: 'server', metric: 'avg' });
    expect(parseThreshold('errors.rate<0.1').latency).toBeUndefined();
    expect(evaluateThreshold(parseThreshold('create.server.p95<100'), source)).toMatchObject({ ok: true, actual: 95 });
    expect(evaluateThreshold(parseThreshold('create.iteration.p95<100'), source)).toMatchObject({ ok: false, actual: 480 });
  });

  it('fails a threshold with no data, and says why', () => {
    expect(evaluateThreshold(parseThreshold('update.p95<500'), source)).toEqual({ expression: 'update.p95<500', ok: false, actual: null, noData: 'every update request failed (4 of 4)' });
    expect(evaluateThreshold(parseThreshold('list.errors.count==0'), source)).toMatchObject({ ok: false, actual: null, noData: 'no list request was sent' });
  });

  it('reads an abort suffix with an optional grace period', () => {
    expect(parseThreshold('create.p95<500:abort')).toMatchObject({ expression: 'create.p95<500', abort: { graceMs: 0 } });
    expect(parseThreshold('errors.rate<0.1 :abort=1m30s')).toMatchObject({ expression: 'errors.rate<0.1', abort: { graceMs: 90_000 } });
    expect(parseThreshold('errors.rate<0.1').abort).toBeUndefined();
    expect(() => parseThreshold('errors.rate<0.1:abort=soon')).toThrow(/abort grace period/);
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
