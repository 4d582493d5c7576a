import { createDb } from "@job-agent/db";
import { createProducer } from "@job-agent/queue";
import { createLogger } from "@job-agent/shared";
import { loadSchedulerEnv } from "./env.js";
import { reconcileOnce } from "./reconciler.js";

const env = loadSchedulerEnv();
const log = createLogger({ app: "scheduler", level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty") });
const db = createDb({ url: env.DATABASE_URL, poolMax: 2, applicationName: "job-agent-scheduler" });
const producer = createProducer({
  config: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
  onError: (err) => log.warn("redis error", { error: err.message }),
});

let timer: NodeJS.Timeout | undefined;
let stopping = false;
const tick = async () => {
  try {
    const res = await reconcileOnce({ db, producer }, { graceMs: env.RECONCILE_GRACE_MS, batch: env.RECONCILE_BATCH });
    if (res.enqueued.length || res.errors) log.info("reconciled", { enqueued: res.enqueued.length, errors: res.errors, checked: res.checked });
  } catch (err) {
    log.warn("reconcile failed", { error: err instanceof Error ? err.message : String(err) });
  }
  if (!stopping) timer = setTimeout(() => void tick(), env.RECONCILE_INTERVAL_MS);
};
log.info("scheduler started", { reconcileIntervalMs: env.RECONCILE_INTERVAL_MS });
void tick();

const shutdown = (signal: string) => {
  stopping = true;
  clearTimeout(timer);
  log.info("shutting down", { signal });
  void Promise.all([producer.close(), db.close()]).finally(() => process.exit(0));
};
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
