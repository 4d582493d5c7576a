import { dbEnv } from "@job-agent/db";
import { queueEnv } from "@job-agent/queue";
import { commonEnv, csv, loadDotEnv, outboundEnv, parseEnv } from "@job-agent/shared";
import { z } from "zod";

export const apiEnvSchema = z.object({
  ...commonEnv,
  ...dbEnv,
  ...queueEnv,
  ...outboundEnv,
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** API processes sharing the port (node:cluster); 1: this process serves alone. One per core the API may use. */
  API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  HOST: z.string().default("0.0.0.0"),
  /** Largest JSON body accepted, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(1_000_000),
  /** Where clients reach the API; used for statusUrl/eventsUrl. Derived from the request when unset. */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Browser origins allowed by CORS (comma-separated); empty: no cross-origin browser access. */
  CORS_ORIGINS: csv,
  /** Express `trust proxy`: which hops' X-Forwarded-* headers are believed (Caddy in front). */
  TRUST_PROXY: z.string().default("loopback, linklocal, uniquelocal"),
  /** Requests per key per window, by plan. */
  RATE_LIMIT_FREE: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_PREMIUM: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Pending or running runs one user may have, by plan. */
  MAX_UNFINISHED_RUNS_FREE: z.coerce.number().int().min(1).default(10),
  MAX_UNFINISHED_RUNS_PREMIUM: z.coerce.number().int().min(1).default(100),
  /** Multipart CV uploads: files per request and bytes per file. */
  UPLOAD_MAX_FILES: z.coerce.number().int().min(1).max(20).default(5),
  UPLOAD_MAX_FILE_BYTES: z.coerce.number().int().min(1_024).max(10_485_760).default(10_485_760),
  /** Refused before parsing: a DOCX that expands beyond this, a PDF with more pages. */
  DOCX_MAX_UNCOMPRESSED_BYTES: z.coerce.number().int().min(1_000_000).default(50_000_000),
  PDF_MAX_PAGES: z.coerce.number().int().min(1).default(50),
  /**
   * How long the user of a valid key is kept in memory, ms (0: asked of Postgres on every request).
   * A revoked key, or a changed plan or webhook secret, is forgotten at once through Postgres
   * notifications; this bounds how long a missed notification could matter.
   */
  AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** Comment lines sent on idle event streams so proxies keep them open, ms. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(1_000).default(15_000),
  /** How long a repeat of a request whose Idempotency-Key is still in flight waits for its answer before a 409, ms. */
  IDEMPOTENCY_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
});
export type ApiEnv = z.infer<typeof apiEnvSchema>;

export const loadApiEnv = (): ApiEnv => {
  loadDotEnv();
  return parseEnv(apiEnvSchema, process.env);
};
