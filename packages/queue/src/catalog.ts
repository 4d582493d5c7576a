import { z } from "zod";

export const QUEUES = { profiling: "profiling", jobSearch: "job-search", delivery: "delivery" } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES = Object.values(QUEUES) as QueueName[];

/** Payloads carry ids only: job data sits in Redis in clear text. New fields must be optional. */
export const ExecutionJob = z.object({
  runId: z.uuid(),
  executionId: z.uuid(),
  /** The run's owner, so a worker can apply the per-user cap without asking the database. */
  userId: z.uuid().optional(),
  /** False: the run has no webhook, so nothing is delivered when it finishes (absent: ask anyway). */
  webhook: z.boolean().optional(),
});
export type ExecutionJob = z.infer<typeof ExecutionJob>;

/**
 * A webhook delivery. Without `attempt` it asks for the webhook of the run's
 * execution once that has finished; with it, it is that numbered attempt (the worker schedules
 * each retry as a delayed job of its own, with exponential backoff and jitter).
 */
export const DeliveryJob = z.object({
  runId: z.uuid(),
  /** The execution whose outcome is delivered (a retried run has several); absent in jobs queued before it existed. */
  executionId: z.uuid().optional(),
  attempt: z.int().min(1).max(100).optional(),
});
export type DeliveryJob = z.infer<typeof DeliveryJob>;

export interface QueueSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  attempts: number;
  /** Base delay of the exponential backoff, ms. */
  backoffMs: number;
  /** 0–1: how much of each delay is random, so retries of many jobs spread out. */
  jitter: number;
}

export const catalog = {
  [QUEUES.profiling]: { schema: ExecutionJob, attempts: 3, backoffMs: 2_000, jitter: 0.5 },
  [QUEUES.jobSearch]: { schema: ExecutionJob, attempts: 5, backoffMs: 2_000, jitter: 0.5 },
  // Retries here cover the worker's own trouble (database, Redis). A receiver that is down is retried by the
  // delivery handler itself, one delayed job per attempt, over about a day (WEBHOOK_RETRY in @job-agent/shared).
  [QUEUES.delivery]: { schema: DeliveryJob, attempts: 5, backoffMs: 2_000, jitter: 0.5 },
} as const satisfies Record<QueueName, QueueSpec>;

export type PayloadOf<Q extends QueueName> = z.infer<(typeof catalog)[Q]["schema"]>;

/** Finished jobs are kept for a while for inspection, then dropped. */
export const RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
} as const;

/** BullMQ priority: lower runs first. Premium users' runs go ahead of free users'. */
export const priorityForPlan = (plan: "free" | "premium"): number => (plan === "premium" ? 1 : 10);
