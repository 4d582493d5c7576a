import type { AuthenticatedUser, Db } from "@job-agent/db";
import type { Producer } from "@job-agent/queue";
import type { Logger } from "@job-agent/shared";
import type { ApiEnv } from "./env.js";

/** Everything the HTTP layer needs, built once by main.ts (or a test). */
export interface AppDeps {
  db: Db;
  producer: Producer;
  log: Logger;
  env: Pick<ApiEnv, "BODY_LIMIT_BYTES" | "PUBLIC_BASE_URL" | "NODE_ENV">;
  authenticate: (key: string) => Promise<AuthenticatedUser | null>;
  ready: () => Promise<{ postgres: boolean; redis: boolean }>;
}
