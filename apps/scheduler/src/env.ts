import { dbEnv } from "@job-agent/db";
import { queueEnv } from "@job-agent/queue";
import { commonEnv, loadDotEnv, parseEnv } from "@job-agent/shared";
import { z } from "zod";

export const schedulerEnvSchema = z.object({
  ...commonEnv,
  ...dbEnv,
  ...queueEnv,
  /** How often pending executions without a job are looked for. */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** Executions younger than this are left to the API that is enqueueing them. */
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(5_000),
  RECONCILE_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
});
export type SchedulerEnv = z.infer<typeof schedulerEnvSchema>;

export const loadSchedulerEnv = (): SchedulerEnv => {
  loadDotEnv();
  return parseEnv(schedulerEnvSchema, process.env);
};
