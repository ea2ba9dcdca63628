/**
 * Runs `job` with an AbortSignal that the first SIGINT or SIGTERM sets, so a command can stop
 * cleanly (finish in-flight requests, clean up, write a partial report) and exit 130. A second
 * signal exits at once with 130, leaving the live journal for `scimsim cleanup`.
 */
export async function untilInterrupted<T>(job: (signal: AbortSignal) => Promise<T>, notes?: { onStop?: () => void; onForce?: () => void }): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) {
      notes?.onForce?.();
      process.exit(130);
    }
    notes?.onStop?.();
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await job(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
