import { createDb } from "@job-agent/db";
import { createProducer, createWorkers } from "@job-agent/queue";
import { WEBHOOK_RETRY, createLogger, flushSentry, initSentry, outboundOptions } from "@job-agent/shared";
import { loadWorkerEnv } from "./env.js";
import { onJobFailedForGood } from "./failures.js";
import { createHandlers } from "./handlers.js";
import { buildPorts } from "./ports.js";

const env = loadWorkerEnv();
const log = createLogger({ app: "worker", level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty") });
await initSentry({ dsn: env.SENTRY_DSN, app: "worker", environment: env.SENTRY_ENVIRONMENT ?? env.NODE_ENV, release: env.SENTRY_RELEASE });
const db = createDb({ url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX, applicationName: "job-agent-worker" });
const queueConfig = { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX };
const producer = createProducer({ config: queueConfig, onError: (err) => log.warn("redis error", { error: err.message }) });
const { ports, store } = buildPorts({ db, producer, log, adapters: env.WORKFLOW_ADAPTERS, env });

const workers = createWorkers({
  config: queueConfig,
  handlers: createHandlers({
    db,
    store,
    ports,
    producer,
    log,
    webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
    outbound: outboundOptions(env),
    webhookRetry: { ...WEBHOOK_RETRY, attempts: env.WEBHOOK_RETRY_ATTEMPTS, baseDelayMs: env.WEBHOOK_RETRY_BASE_MS },
  }),
  concurrency: env.WORKER_CONCURRENCY,
  lockDurationMs: env.WORKER_LOCK_MS,
  stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
  onError: (err, queue) => log.warn("worker error", { queue, error: err.message }),
  onFailed: onJobFailedForGood({ db, log }),
});
log.info("worker started", { concurrency: env.WORKER_CONCURRENCY, adapters: env.WORKFLOW_ADAPTERS });

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info("draining", { signal, graceMs: env.WORKER_GRACE_MS });
  const force = setTimeout(() => {
    log.warn("grace period over; exiting with jobs still running (they will be taken over)");
    process.exit(1);
  }, env.WORKER_GRACE_MS);
  force.unref();
  void workers
    .close()
    .then(() => Promise.all([producer.close(), db.close(), flushSentry()]))
    .then(() => {
      log.info("stopped");
      process.exit(0);
    });
};
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
