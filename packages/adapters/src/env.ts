import { csv, intFromEnv } from "@job-agent/shared";
import { z } from "zod";

/** Names of the job sources a worker can enable with JOB_SOURCES. */
export const JOB_SOURCE_NAMES = ["offline", "greenhouse", "lever", "ashby", "remotive", "arbeitnow", "themuse", "serpapi", "adzuna"] as const;

const optional = z.string().trim().optional().transform((v) => (v ? v : undefined));

/** Environment pieces of the adapters (LLM and job sources) for an app's env schema. */
export const adaptersEnv = {
  /** OpenAI-compatible chat API; unset = the offline rules. */
  LLM_BASE_URL: z.url().optional().or(z.literal("").transform(() => undefined)),
  LLM_API_KEY: optional,
  LLM_MODEL: optional,
  LLM_TIMEOUT_MS: intFromEnv(60_000, 1_000),
  /** Enabled job sources, comma-separated (default: the offline corpus). */
  JOB_SOURCES: csv.pipe(z.array(z.enum(JOB_SOURCE_NAMES))).default(["offline"]),
  SOURCE_TIMEOUT_MS: intFromEnv(15_000, 100),
  GREENHOUSE_BOARDS: csv,
  LEVER_SITES: csv,
  ASHBY_BOARDS: csv,
  THEMUSE_API_KEY: optional,
  SERPAPI_API_KEY: optional,
  ADZUNA_APP_ID: optional,
  ADZUNA_APP_KEY: optional,
  ADZUNA_COUNTRY: z.string().trim().toLowerCase().regex(/^[a-z]{2}$/).default("gb"),
  /** Parsing of uploaded PDF/DOCX CVs: time (ms) and heap (MB) per file. */
  CV_PARSE_TIMEOUT_MS: intFromEnv(20_000, 1_000),
  CV_PARSE_MEMORY_MB: intFromEnv(256, 32, 4_096),
};

const _schema = z.object(adaptersEnv);
export type AdaptersEnv = z.infer<typeof _schema>;
