/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const reason = () => (signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal?.aborted) return reject(reason());
    const onAbort = () => {
      clearTimeout(t);
      reject(reason());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
