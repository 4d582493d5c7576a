import cluster from "node:cluster";
import { createLogger } from "@job-agent/shared";
import type { ApiEnv } from "./env.js";

/**
 * API_PROCESSES > 1: this process only starts that many API processes, which
 * share the port (node:cluster), starts a new one when one dies, and on
 * SIGTERM or SIGINT passes the signal on and exits once they all have.
 */
export const supervise = (env: ApiEnv): void => {
  const log = createLogger({ app: "api", level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty") });
  let stopping = false;
  let restarts = 0;
  const start = () => cluster.fork();
  for (let i = 0; i < env.API_PROCESSES; i++) start();
  log.info("api processes started", { processes: env.API_PROCESSES });

  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // One that keeps dying is started again less and less often (at most once every 30 s).
    const delayMs = Math.min(30_000, 100 * 2 ** Math.min(restarts++, 9));
    log.warn("api process exited; starting another", { pid: worker.process.pid, code, signal, delayMs });
    setTimeout(start, delayMs).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    setTimeout(() => process.exit(0), 12_000).unref();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
};
