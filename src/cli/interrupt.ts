/**
 * Runs `job` with an AbortSignal that SIGINT or SIGTERM sets, so a command can stop cleanly
 * (finish in-flight requests, clean up, write a partial report) and exit 130.
 */
export async function untilInterrupted<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await job(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
