import { parseProviderRateLimits } from "@job-agent/queue";
import { nodeNames, workflows } from "@job-agent/workflows";
import { z } from "zod";

const KNOWN_NODES = new Set(Object.values(workflows).flatMap((w) => nodeNames(w)));

/** `Discovery=60000,CvIngestion=60000` → per-node time limits (ms), node names checked. */
const nodeTimeouts = z
  .string()
  .default("Discovery=60000,CvIngestion=60000")
  .transform((text, ctx) => {
    const out: Record<string, number> = {};
    for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
      const m = /^([A-Za-z]+)=(\d+)$/.exec(entry);
      if (!m || !KNOWN_NODES.has(m[1]!) || Number(m[2]) < 100) {
        ctx.addIssue({ code: "custom", message: `"${entry}" is not <Node>=<ms ≥ 100> with a node among ${[...KNOWN_NODES].join(", ")}` });
        return z.NEVER;
      }
      out[m[1]!] = Number(m[2]);
    }
    return out;
  });

const providerLimits = z
  .string()
  .default("")
  .transform((text, ctx) => {
    try {
      return parseProviderRateLimits(text);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
      return z.NEVER;
    }
  });

/** Time limits, cancellation, fairness, provider rate limits and the worker's health port. */
export const durabilityEnv = {
  /** Every node's time limit (ms) unless NODE_TIMEOUTS_MS names it; past it the attempt fails, retryably. */
  NODE_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  NODE_TIMEOUTS_MS: nodeTimeouts,
  /** A run's overall limit from its execution's first start (ms); past it the run fails for good. */
  RUN_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30 * 60_000),
  /** How often a running node checks whether its run was cancelled (ms). */
  CANCEL_POLL_MS: z.coerce.number().int().min(50).default(1_000),
  /** Executions of one user running at once across all workers; the excess waits in the queue. */
  USER_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).default(2),
  /** How long a run of a user at the cap waits before asking again (ms, ±50 % jitter). */
  USER_CAP_RETRY_MS: z.coerce.number().int().min(50).default(1_000),
  /** Per-provider limits shared by every worker, e.g. `llm=60/60s,remotive=10/60s` (units ms, s, m, h). */
  PROVIDER_RATE_LIMITS: providerLimits,
  /** How long a call waits for its provider's window before the job is rescheduled instead (ms). */
  PROVIDER_MAX_WAIT_MS: z.coerce.number().int().min(0).default(2_000),
  /** Port of the worker's own /health and /ready (unset: no server). */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  /** With WORKFLOW_ADAPTERS=null: every model and job-source call takes this long (ms), for drain and fault tests. */
  NULL_ADAPTER_DELAY_MS: z.coerce.number().int().min(0).default(0),
};
