import { z } from "zod";

/** Redis settings for every process that uses the queues. A database index (`/5`) selects a database. */
export const queueEnv = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .default("redis://127.0.0.1:6379"),
  /** Key prefix, so several stacks can share one Redis database. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, _ and - only")
    .default("job-agent"),
};

export interface QueueConfig {
  url: string;
  prefix: string;
}
