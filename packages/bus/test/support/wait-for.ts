/**
 * Polls `condition` until it holds or the deadline passes; the failure names what was awaited
 * and the last observed state. A deadline, not a sleep: the test never asserts on time.
 */
export async function waitFor(
  description: string,
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; state?: () => unknown },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const state = options.state ? ` (last state: ${JSON.stringify(options.state())})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${description}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** Resolves like `promise`, or rejects once `timeoutMs` has passed. */
export async function withDeadline<T>(description: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
