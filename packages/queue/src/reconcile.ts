import { QUEUES, type QueueName } from "./catalog.js";
import type { Producer } from "./producer.js";

export const queueForKind = (kind: "profiling" | "job_search"): QueueName =>
  kind === "profiling" ? QUEUES.profiling : QUEUES.jobSearch;

export interface PendingItem {
  executionId: string;
  runId: string;
  kind: "profiling" | "job_search";
  priority: number;
  userId?: string;
  webhook?: boolean;
}

const payloadOf = (p: PendingItem) => ({
  runId: p.runId,
  executionId: p.executionId,
  ...(p.userId ? { userId: p.userId } : {}),
  ...(p.webhook !== undefined ? { webhook: p.webhook } : {}),
});

export interface ReconcileResult {
  checked: number;
  enqueued: string[];
  errors: number;
}

/**
 * Gives every pending execution a job. The job id is the execution id, so
 * an execution that already has a waiting or running job is left alone and a
 * second pass enqueues nothing. A finished job whose execution is still
 * pending (its data was lost or it was dropped) is replaced.
 */
export const reconcilePending = async (producer: Producer, pending: PendingItem[]): Promise<ReconcileResult> => {
  const result: ReconcileResult = { checked: pending.length, enqueued: [], errors: 0 };
  for (const p of pending) {
    const queue = queueForKind(p.kind);
    try {
      const state = await producer.jobState(queue, p.executionId);
      if (state === "completed" || state === "failed") await producer.removeJob(queue, p.executionId);
      else if (state !== "missing") continue;
      await producer.enqueue(queue, payloadOf(p), { jobId: p.executionId, priority: p.priority });
      result.enqueued.push(p.executionId);
    } catch {
      result.errors += 1;
    }
  }
  return result;
};

export interface DispatchResult {
  enqueued: number;
  /** Runs left for the reconciler because Redis did not take them now. */
  deferred: number;
}

/**
 * Enqueues freshly created runs. A failure here is not the caller's failure:
 * the runs are already in Postgres as pending, and the reconciler enqueues
 * whatever is left, so the request can still be answered 202.
 */
export const dispatchRuns = async (
  producer: Producer,
  runs: PendingItem[],
  onDeferred?: (err: unknown, run: PendingItem) => void,
): Promise<DispatchResult> => {
  const res: DispatchResult = { enqueued: 0, deferred: 0 };
  await Promise.all(
    runs.map(async (r) => {
      try {
        await producer.enqueue(queueForKind(r.kind), payloadOf(r), { jobId: r.executionId, priority: r.priority });
        res.enqueued += 1;
      } catch (err) {
        res.deferred += 1;
        onDeferred?.(err, r);
      }
    }),
  );
  return res;
};

export interface StaleResult {
  checked: number;
  requeued: string[];
  failed: string[];
  errors: number;
}

/**
 * Executions Postgres says are running but that have not moved for a while.
 * One whose job is still alive is left alone; one whose job is gone (Redis
 * lost it, or the job ended without the database hearing of it) is handed
 * back to the queue; one whose job failed for good is failed in the database
 * through `onJobFailed`.
 */
export const reconcileStale = async (
  producer: Producer,
  stale: PendingItem[],
  onJobFailed: (item: PendingItem) => Promise<void>,
): Promise<StaleResult> => {
  const result: StaleResult = { checked: stale.length, requeued: [], failed: [], errors: 0 };
  for (const s of stale) {
    const queue = queueForKind(s.kind);
    try {
      const state = await producer.jobState(queue, s.executionId);
      if (state === "failed") {
        await onJobFailed(s);
        result.failed.push(s.executionId);
        continue;
      }
      if (state === "completed") await producer.removeJob(queue, s.executionId);
      else if (state !== "missing") continue;
      await producer.enqueue(queue, { runId: s.runId, executionId: s.executionId }, { jobId: s.executionId, priority: s.priority });
      result.requeued.push(s.executionId);
    } catch {
      result.errors += 1;
    }
  }
  return result;
};
