/**
 * The arrival schedule of an open-model load test: iterations start at a rate that follows
 * the stages, whatever the target does, as k6's `ramping-arrival-rate` and artillery's phases
 * (`duration`, `arrivalRate`, `rampTo`) do. A slow target therefore shows up as latency and
 * dropped iterations, never as a quietly lower rate (coordinated omission).
 */

/** One phase: the rate moves linearly from `from` to `to` iterations per second over `durationMs`. */
export interface LoadStage {
  durationMs: number;
  from: number;
  to: number;
}

export interface LoadPlan {
  stages: LoadStage[];
  /** Sum of the stages' durations. */
  durationMs: number;
  /** How many iterations the schedule starts in all (before sharding). */
  iterations: number;
}

export function createPlan(stages: LoadStage[]): LoadPlan {
  let durationMs = 0;
  let iterations = 0;
  for (const stage of stages) {
    durationMs += stage.durationMs;
    iterations += stageArrivals(stage);
  }
  // A whole number of arrivals: iteration k starts when the cumulative arrivals reach k.
  return { stages, durationMs, iterations: Math.ceil(iterations - 1e-9) };
}

function stageArrivals(stage: LoadStage): number {
  return ((stage.from + stage.to) / 2) * (stage.durationMs / 1000);
}

/**
 * The start times (ms from the start) of iterations first, first + step, ... in order: the
 * instant the cumulative arrival count reaches k. Lazy, so a long test holds no schedule.
 */
export function* arrivalTimes(plan: LoadPlan, first = 0, step = 1): Generator<number> {
  let k = first;
  let before = 0;
  let startMs = 0;
  for (const stage of plan.stages) {
    const inStage = stageArrivals(stage);
    const end = before + inStage;
    while (k < end - 1e-9 && k < plan.iterations) {
      yield startMs + offsetOf(stage, k - before);
      k += step;
    }
    before = end;
    startMs += stage.durationMs;
  }
}

/** When, within `stage`, the arrivals since its start reach `x`: solves from·t + (to-from)·t²/(2D) = x. */
function offsetOf(stage: LoadStage, x: number): number {
  const d = stage.durationMs / 1000;
  const a = (stage.to - stage.from) / (2 * d);
  const b = stage.from;
  const seconds = Math.abs(a) < 1e-12 ? x / b : (-b + Math.sqrt(Math.max(0, b * b + 4 * a * x))) / (2 * a);
  return Math.min(stage.durationMs, seconds * 1000);
}
