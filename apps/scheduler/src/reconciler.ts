import { failExecution, listPendingExecutions, listStaleRunning, listUndeliveredFinishedRuns, type Db } from "@job-agent/db";
import { QUEUES, reconcilePending, reconcileStale, type Producer, type ReconcileResult, type StaleResult } from "@job-agent/queue";

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

/**
 * One pass over finished runs whose webhook was never attempted: the request
 * is made again, under the same job id the worker uses, so it is never doubled.
 */
export const reconcileDeliveriesOnce = async (
  deps: { db: Db; producer: Producer },
  opts: { graceMs: number; batch: number; now?: Date },
): Promise<{ checked: number; requested: number }> => {
  const now = (opts.now ?? new Date()).getTime();
  const runs = await listUndeliveredFinishedRuns(deps.db, {
    finishedBefore: new Date(now - opts.graceMs),
    finishedAfter: new Date(now - 86_400_000),
    limit: opts.batch,
  });
  let requested = 0;
  for (const r of runs) {
    await deps.producer.enqueue(QUEUES.delivery, r, { jobId: `delivery-${r.runId}-${r.executionId}-finished` });
    requested += 1;
  }
  return { checked: runs.length, requested };
};
