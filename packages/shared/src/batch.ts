/**
 * Group commit for callers that arrive concurrently: each call adds one item
 * and gets its own result, but the items that arrive while earlier batches
 * are in flight go out together as the next batch. An idle batcher adds no
 * delay (the first item leaves on the next turn of the event loop); a busy
 * one sends fewer, larger batches, so per-batch costs (a round trip, a
 * commit) are shared.
 */
export interface BatcherOptions<I, O> {
  /** Runs one batch; answers one result per item, in order. */
  run: (items: I[]) => Promise<O[]>;
  /** Items per batch at most (default 200). */
  maxBatch?: number;
  /** Batches in flight at once (default 1: the largest batches, and so the fewest transactions, under load). */
  maxInFlight?: number;
}

export interface Batcher<I, O> {
  (item: I): Promise<O>;
  /** Items waiting for a batch (for metrics and tests). */
  pending(): number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

const settle = async <I, O>(run: (items: I[]) => Promise<O[]>, batch: Waiting<I, O>[]): Promise<void> => {
  const out = await run(batch.map((w) => w.item));
  if (out.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${out.length} results`);
  batch.forEach((w, i) => w.resolve(out[i]!));
};

export const createBatcher = <I, O>({ run, maxBatch = 200, maxInFlight = 1 }: BatcherOptions<I, O>): Batcher<I, O> => {
  let queue: Waiting<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      inFlight += 1;
      void settle(run, batch)
        // A failed batch is tried again one item at a time, so one bad item fails alone.
        .catch(async (err: unknown) => {
          if (batch.length === 1) return batch[0]!.reject(err);
          await Promise.all(batch.map((w) => settle(run, [w]).catch((e: unknown) => w.reject(e))));
        })
        .finally(() => {
          inFlight -= 1;
          flush();
        });
    }
  };

  const add = (item: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled && inFlight < maxInFlight) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  return Object.assign(add, { pending: () => queue.length });
};
