import { getFailureContext, type Db } from "@job-agent/db";
import { ExecutionJob, QUEUES, type FairnessOptions } from "@job-agent/queue";
import type { ExecutionLimits } from "@job-agent/workflows";
import type { WorkerEnv } from "./env.js";

/** Node and run time limits and the cancellation poll, from the worker's env. */
export const executionLimits = (env: Pick<WorkerEnv, "NODE_TIMEOUT_MS" | "NODE_TIMEOUTS_MS" | "RUN_TIMEOUT_MS" | "CANCEL_POLL_MS">): ExecutionLimits => ({
  nodeTimeoutMs: (node) => env.NODE_TIMEOUTS_MS[node] ?? env.NODE_TIMEOUT_MS,
  runTimeoutMs: env.RUN_TIMEOUT_MS,
  cancelPollMs: env.CANCEL_POLL_MS,
});

/** The per-user cap on running executions: a run's owner is its user. */
export const userFairness = (db: Db, env: Pick<WorkerEnv, "USER_MAX_CONCURRENT_RUNS" | "USER_CAP_RETRY_MS">): FairnessOptions => ({
  queues: [QUEUES.profiling, QUEUES.jobSearch],
  limit: env.USER_MAX_CONCURRENT_RUNS,
  retryDelayMs: env.USER_CAP_RETRY_MS,
  ownerOf: async (_queue, data) => {
    const job = ExecutionJob.safeParse(data);
    if (!job.success) return null;
    if (job.data.userId) return job.data.userId;
    const ctx = await getFailureContext(db, job.data.executionId);
    return ctx?.userId ?? null;
  },
});
