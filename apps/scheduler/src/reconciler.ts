import { failExecution, listPendingExecutions, listStaleRunning, type Db } from "@job-agent/db";
import { reconcilePending, reconcileStale, type Producer, type ReconcileResult, type StaleResult } from "@job-agent/queue";

/** One pass: every pending execution older than the grace period gets its job. */
export const reconcileOnce = async (
  deps: { db: Db; producer: Producer },
  opts: { graceMs: number; batch: number; now?: Date },
): Promise<ReconcileResult> => {
  const createdBefore = new Date((opts.now ?? new Date()).getTime() - opts.graceMs);
  const pending = await listPendingExecutions(deps.db, { createdBefore, limit: opts.batch });
  return reconcilePending(deps.producer, pending);
};

/** One pass over executions stuck `running`: hand back those whose job is gone. */
export const reconcileStaleOnce = async (
  deps: { db: Db; producer: Producer },
  opts: { staleMs: number; batch: number; now?: Date },
): Promise<StaleResult> => {
  const updatedBefore = new Date((opts.now ?? new Date()).getTime() - opts.staleMs);
  const stale = await listStaleRunning(deps.db, { updatedBefore, limit: opts.batch });
  return reconcileStale(deps.producer, stale, (s) =>
    failExecution(deps.db, s.executionId, { name: "JobFailed", message: "the execution's job failed without recording why", permanent: true }),
  );
};
