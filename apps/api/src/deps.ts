import type { AuthenticatedUser, Db, RunEventHub } from "@job-agent/db";
import type { Producer, QueueBoard, RateLimiter, ScheduleSync } from "@job-agent/queue";
import type { Logger, Resolver } from "@job-agent/shared";
import type { ApiEnv } from "./env.js";

/** The settings the HTTP layer reads (main.ts passes the parsed env; tests pass their own). */
export type AppEnv = Pick<
  ApiEnv,
  | "BODY_LIMIT_BYTES"
  | "PUBLIC_BASE_URL"
  | "NODE_ENV"
  | "CORS_ORIGINS"
  | "TRUST_PROXY"
  | "RATE_LIMIT_FREE"
  | "RATE_LIMIT_PREMIUM"
  | "RATE_LIMIT_WINDOW_MS"
  | "MAX_UNFINISHED_RUNS_FREE"
  | "MAX_UNFINISHED_RUNS_PREMIUM"
  | "UPLOAD_MAX_FILES"
  | "UPLOAD_MAX_FILE_BYTES"
  | "DOCX_MAX_UNCOMPRESSED_BYTES"
  | "PDF_MAX_PAGES"
  | "SSE_HEARTBEAT_MS"
  | "IDEMPOTENCY_WAIT_MS"
  | "OUTBOUND_ALLOW_PRIVATE_HOSTS"
  | "OUTBOUND_HTTPS_ONLY"
>;

/** Everything the HTTP layer needs, built once by main.ts (or a test). */
export interface AppDeps {
  db: Db;
  producer: Producer;
  log: Logger;
  env: AppEnv;
  authenticate: (key: string) => Promise<AuthenticatedUser | null>;
  /** Forgets the users kept for keys, in this process, at once (after this process revoked a key or changed a user). */
  forgetKeys?: () => void;
  ready: () => Promise<{ postgres: boolean; redis: boolean }>;
  /** The process's one LISTEN connection, fanned out to event streams. */
  events: RunEventHub;
  limiter: RateLimiter;
  /** Mirrors schedule changes to the queue's job schedulers. */
  schedules: ScheduleSync;
  /** Bull Board at /admin/queues (absent: not served). */
  board?: QueueBoard;
  /** Replaces DNS for URL checks (tests). */
  resolve?: Resolver;
}

/** Defaults for every setting, for tests and embedders that set only a few. */
export const defaultAppEnv: AppEnv = {
  BODY_LIMIT_BYTES: 1_000_000,
  PUBLIC_BASE_URL: undefined,
  NODE_ENV: "development",
  CORS_ORIGINS: [],
  TRUST_PROXY: "loopback, linklocal, uniquelocal",
  RATE_LIMIT_FREE: 60,
  RATE_LIMIT_PREMIUM: 600,
  RATE_LIMIT_WINDOW_MS: 60_000,
  MAX_UNFINISHED_RUNS_FREE: 10,
  MAX_UNFINISHED_RUNS_PREMIUM: 100,
  UPLOAD_MAX_FILES: 5,
  UPLOAD_MAX_FILE_BYTES: 10_485_760,
  DOCX_MAX_UNCOMPRESSED_BYTES: 50_000_000,
  PDF_MAX_PAGES: 50,
  SSE_HEARTBEAT_MS: 15_000,
  IDEMPOTENCY_WAIT_MS: 5_000,
  OUTBOUND_ALLOW_PRIVATE_HOSTS: [],
  OUTBOUND_HTTPS_ONLY: undefined,
};
