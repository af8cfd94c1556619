/**
 * Waits for `work` (which must not reject) for `timeoutMs` at most, without keeping the process
 * alive for the timer: how a shutdown step is bounded by `shutdownTimeoutMs`.
 */
export async function waitAtMost(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
