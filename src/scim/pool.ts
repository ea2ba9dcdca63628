/** Runs `task` for every item with at most `concurrency` in flight; stops starting new ones when aborted. */
export async function pool(items: ArrayLike<number>, concurrency: number, signal: AbortSignal | undefined, task: (item: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++] as number;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
}

