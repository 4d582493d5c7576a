import { adaptersEnv } from "@job-agent/adapters";
import { dbEnv } from "@job-agent/db";
import { queueEnv } from "@job-agent/queue";
import { commonEnv, loadDotEnv, outboundEnv, parseEnv } from "@job-agent/shared";
import { z } from "zod";
import { durabilityEnv } from "./durability-env.js";

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
  /** LLM (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL), job sources (JOB_SOURCES, keys, board tokens, SOURCE_TIMEOUT_MS) and CV parsing limits. */
  ...adaptersEnv,
  /** Where user-supplied URLs (webhooks, CV URLs) may go: OUTBOUND_ALLOW_PRIVATE_HOSTS, OUTBOUND_HTTPS_ONLY. */
  ...outboundEnv,
  /** Webhook retries: attempts in all and the first delay (each later one doubles, with jitter); about a day by default. */
  WEBHOOK_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(12),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(45_000),
  ...durabilityEnv,
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const loadWorkerEnv = (): WorkerEnv => {
  loadDotEnv();
  return parseEnv(workerEnvSchema, process.env);
};
