import { explainTimeout } from './net-errors.js';
import type { PreflightStep, StepId, StepOutcome } from './types.js';

/** Human titles, one per step, shown as the first column of the preflight table. */
export const STEP_TITLES: Record<StepId, string> = {
  dns: 'Resolve host',
  connect: 'Connect',
  'oauth-token': 'OAuth token',
  'service-provider-config': 'ServiceProviderConfig',
  'auth-probe': 'Authenticated probe',
  'group-probe': 'Group probe',
  'page-size': 'Page size',
  'update-method': 'Update method',
  'deactivation-mode': 'Deactivation mode',
};

/** A finished step and what it hands to the steps after it. */
export interface StepRun<T> {
  step: PreflightStep;
  value: T | undefined;
}

/**
 * Runs one step under its own deadline of `timeoutMs`. The body gets an AbortSignal to cancel
 * its I/O; the runner also races the body against the deadline because some I/O cannot be
 * cancelled (dns.lookup runs on the libuv thread pool), so a step never outlives its budget.
 * An exception from the body is a bug in the step, reported as a failed step, not thrown.
 */
export async function runStep<T>(
  id: StepId,
  timeoutMs: number,
  now: () => number,
  body: (signal: AbortSignal) => Promise<StepOutcome<T>>,
): Promise<StepRun<T>> {
  const started = now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<StepOutcome<T>>((resolve) => {
    timer = setTimeout(() => {
      // Resolve before aborting, so the race settles on the timeout, not on the body's abort error.
      const { detail, hint } = explainTimeout(STEP_TITLES[id], timeoutMs);
      resolve({ status: 'fail', detail, hint });
      controller.abort(new DOMException('preflight step timed out', 'TimeoutError'));
    }, timeoutMs);
  });
  const work = body(controller.signal).catch(
    (error: unknown): StepOutcome<T> => ({
      status: 'fail',
      detail: `internal error in step ${id}: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'this is a bug in scimsim; please report it with this output',
    }),
  );
  try {
    const outcome = await Promise.race([work, deadline]);
    return { step: toStep(id, outcome, now() - started), value: outcome.value };
  } finally {
    clearTimeout(timer);
  }
}

/** A step that did not run, with the reason in its detail. */
export function skipStep(id: StepId, reason: string): StepRun<never> {
  return { step: { id, title: STEP_TITLES[id], status: 'skip', durationMs: 0, detail: reason }, value: undefined };
}

/** A step with no I/O (a comparison of settings with what the server advertised). */
export function pureStep<T>(id: StepId, now: () => number, check: () => StepOutcome<T>): StepRun<T> {
  const started = now();
  const outcome = check();
  return { step: toStep(id, outcome, now() - started), value: outcome.value };
}

function toStep<T>(id: StepId, outcome: StepOutcome<T>, elapsed: number): PreflightStep {
  const step: PreflightStep = {
    id,
    title: STEP_TITLES[id],
    status: outcome.status,
    durationMs: Math.max(0, Math.round(elapsed)),
    detail: outcome.detail,
  };
  if (outcome.hint !== undefined && outcome.status !== 'pass') step.hint = outcome.hint;
  return step;
}
