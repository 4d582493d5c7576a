import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

/**
 * Reads the nearest `.env` (walking up from the working directory) into
 * process.env without overriding what is already set. Absent, nothing happens.
 */
export const loadDotEnv = (from = process.cwd()): string | null => {
  let dir = from;
  for (;;) {
    const file = join(dir, ".env");
    if (existsSync(file)) {
      const before = { ...process.env };
      process.loadEnvFile(file);
      for (const [k, v] of Object.entries(before)) process.env[k] = v;
      return file;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
};

/** Parses the environment once; a failure names every missing or bad variable. */
export const parseEnv = <T extends z.ZodType>(schema: T, source: Record<string, string | undefined> = process.env): z.infer<T> => {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
};

/** Pieces every app composes into its own env schema. */
export const commonEnv = {
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["error", "warn", "info", "debug"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  /** Errors and alerts go to Sentry when set; absent, nothing is sent. */
  SENTRY_DSN: z.url().optional(),
  SENTRY_ENVIRONMENT: z.string().optional(),
  SENTRY_RELEASE: z.string().optional(),
};

/** Comma-separated list → trimmed non-empty strings. */
export const csv = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const intFromEnv = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);
