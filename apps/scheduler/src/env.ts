import { dbEnv } from "@job-agent/db";
import { parseProviderRateLimits, queueEnv } from "@job-agent/queue";
import { commonEnv, loadDotEnv, parseEnv } from "@job-agent/shared";
import { z } from "zod";

const ms = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

export const schedulerEnvSchema = z.object({
  ...commonEnv,
  ...dbEnv,
  ...queueEnv,
  /** How often pending executions without a job are looked for. */
  RECONCILE_INTERVAL_MS: ms(10_000, 100),
  /** Executions younger than this are left to the API that is enqueueing them. */
  RECONCILE_GRACE_MS: ms(5_000),
  RECONCILE_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  /** A running execution that has not changed for this long is checked against its job. */
  STALE_RUNNING_MS: ms(600_000, 1_000),
  /** A finished run whose webhook has not been attempted after this long has its delivery asked for again. */
  DELIVERY_RECONCILE_GRACE_MS: ms(30_000),
  /** Schedule firings handled at once; firings that arrive together share a transaction, so a morning's schedules go quickly. */
  SCHEDULE_FIRE_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(64),
  /** How often the queue's job schedulers are brought in step with the schedules table. */
  SCHEDULE_SYNC_INTERVAL_MS: ms(60_000, 100),
  /** How often queues, workers, Redis and Postgres are checked for alerts. */
  MONITOR_INTERVAL_MS: ms(15_000, 100),
  /** Slack-compatible incoming webhook for alerts (optional). */
  ALERT_WEBHOOK_URL: z.url().optional(),
  /** An alert that keeps holding is sent again after this long. */
  ALERT_REPEAT_MS: ms(3_600_000, 1_000),
  ALERT_BACKLOG_THRESHOLD: z.coerce.number().int().min(0).default(1_000),
  ALERT_BACKLOG_GRACE_MS: ms(300_000),
  ALERT_OLDEST_WAITING_MS: ms(900_000, 1_000),
  ALERT_NO_WORKER_GRACE_MS: ms(60_000),
  ALERT_UNREACHABLE_GRACE_MS: ms(30_000),
  /** The workers' provider limits (same value as theirs): the providers whose saturation is watched. */
  PROVIDER_RATE_LIMITS: z
    .string()
    .default("")
    .transform((text, ctx) => {
      try {
        return Object.keys(parseProviderRateLimits(text));
      } catch (err) {
        ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }),
  /** A provider refusing calls at its limit for this long raises an alert. */
  ALERT_RATE_LIMIT_GRACE_MS: ms(300_000),
});
export type SchedulerEnv = z.infer<typeof schedulerEnvSchema>;

export const loadSchedulerEnv = (): SchedulerEnv => {
  loadDotEnv();
  return parseEnv(schedulerEnvSchema, process.env);
};
