import { ScimHttpError } from '../../src/mock/core/errors.js';

/** Runs `run` and returns the ScimHttpError it throws; fails the test when it throws nothing or something else. */
export function failure(run: () => unknown): ScimHttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimHttpError) return error;
    throw error;
  }
  throw new Error('expected a ScimHttpError');
}
