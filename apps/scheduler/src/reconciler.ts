import { listPendingExecutions, type Db } from "@job-agent/db";
import { reconcilePending, type Producer, type ReconcileResult } from "@job-agent/queue";

/** One pass: every pending execution older than the grace period gets its job. */
export const reconcileOnce = async (
  deps: { db: Db; producer: Producer },
  opts: { graceMs: number; batch: number; now?: Date },
): Promise<ReconcileResult> => {
  const createdBefore = new Date((opts.now ?? new Date()).getTime() - opts.graceMs);
  const pending = await listPendingExecutions(deps.db, { createdBefore, limit: opts.batch });
  return reconcilePending(deps.producer, pending);
};
