import { dbEnv } from "@job-agent/db";
import { queueEnv } from "@job-agent/queue";
import { commonEnv, loadDotEnv, parseEnv } from "@job-agent/shared";
import { z } from "zod";

export const workerEnvSchema = z.object({
  ...commonEnv,
  ...dbEnv,
  ...queueEnv,
  /** `offline` (default): rules and the shipped corpus; `null`: instant adapters for benchmarks. */
  WORKFLOW_ADAPTERS: z.enum(["offline", "null"]).default("offline"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** How long a SIGTERM waits for running jobs before exiting. */
  WORKER_GRACE_MS: z.coerce.number().int().min(0).default(25_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const loadWorkerEnv = (): WorkerEnv => {
  loadDotEnv();
  return parseEnv(workerEnvSchema, process.env);
};
