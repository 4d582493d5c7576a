import { createBatcher, type Batcher, type BatcherOptions } from "@job-agent/shared";
import type { Db } from "./client.js";

/**
 * Group commit through one of the hot_paths SQL functions: the items that
 * arrive together go to `fn` as one jsonb array, in one round trip and one
 * transaction, and `fn` answers a jsonb array with one result per item.
 */
export const sqlBatcher = <I, O>(db: Db, fn: string, opts: Omit<BatcherOptions<I, O>, "run"> = {}): Batcher<I, O> =>
  createBatcher<I, O>({
    ...opts,
    run: async (items) => {
      const { rows } = await db.pool.query<{ r: O[] }>({ name: fn, text: `select ${fn}($1::jsonb) as r`, values: [JSON.stringify(items)] });
      return rows[0]!.r;
    },
  });

/** For repository functions that take a Db: one sqlBatcher per Db, made when first used. */
export const sqlBatcherPerDb = <I, O>(fn: string): ((db: Db) => Batcher<I, O>) => {
  const made = new WeakMap<Db, Batcher<I, O>>();
  return (db) => {
    let b = made.get(db);
    if (!b) made.set(db, (b = sqlBatcher<I, O>(db, fn)));
    return b;
  };
};
