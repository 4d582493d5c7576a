import { dbEnv } from "@job-agent/db";
import { queueEnv } from "@job-agent/queue";
import { commonEnv, loadDotEnv, parseEnv } from "@job-agent/shared";
import { z } from "zod";

export const apiEnvSchema = z.object({
  ...commonEnv,
  ...dbEnv,
  ...queueEnv,
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Largest JSON body accepted, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(1_000_000),
  /** Where clients reach the API; used for statusUrl/eventsUrl. Derived from the request when unset. */
  PUBLIC_BASE_URL: z.url().optional(),
});
export type ApiEnv = z.infer<typeof apiEnvSchema>;

export const loadApiEnv = (): ApiEnv => {
  loadDotEnv();
  return parseEnv(apiEnvSchema, process.env);
};
