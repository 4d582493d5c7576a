import { createDb, pingDb } from "@job-agent/db";
import { createProducer, createProviderLimiter, createWorkers } from "@job-agent/queue";
import { WEBHOOK_RETRY, createLogger, flushSentry, initSentry, outboundOptions } from "@job-agent/shared";
import { executionLimits, userFairness } from "./durability.js";
import { loadWorkerEnv } from "./env.js";
import { onJobFailedForGood } from "./failures.js";
import { createHandlers } from "./handlers.js";
import { startHealthServer } from "./health.js";
import { buildPorts } from "./ports.js";

const env = loadWorkerEnv();
const log = createLogger({ app: "worker", level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty") });
await initSentry({ dsn: env.SENTRY_DSN, app: "worker", environment: env.SENTRY_ENVIRONMENT ?? env.NODE_ENV, release: env.SENTRY_RELEASE });
const db = createDb({ url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX, applicationName: "job-agent-worker" });
const queueConfig = { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX };
const producer = createProducer({ config: queueConfig, onError: (err) => log.warn("redis error", { error: err.message }) });
const rateLimit = createProviderLimiter({
  config: queueConfig,
  rules: env.PROVIDER_RATE_LIMITS,
  maxWaitMs: env.PROVIDER_MAX_WAIT_MS,
  onError: (err) => log.warn("provider limit unavailable; call let through", { error: err.message }),
});
const { ports, store } = buildPorts({ db, producer, log, adapters: env.WORKFLOW_ADAPTERS, env, rateLimit });

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
    limits: executionLimits(env),
  }),
  concurrency: env.WORKER_CONCURRENCY,
  lockDurationMs: env.WORKER_LOCK_MS,
  stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
  fairness: userFairness(db, env),
  onError: (err, queue) => log.warn("worker error", { queue, error: err.message }),
  onFailed: onJobFailedForGood({ db, log }),
});
const health =
  env.WORKER_HEALTH_PORT === undefined
    ? null
    : await startHealthServer(env.WORKER_HEALTH_PORT, {
        live: async () => {
          const h = await workers.health();
          return { ok: h.ok && !stopping, detail: { stopping, queues: h.queues } };
        },
        ready: async () => {
          const [redis, postgres] = await Promise.all([producer.ping(), pingDb(db)]);
          return { ok: redis && postgres && !stopping, detail: { redis, postgres, stopping } };
        },
      });
log.info("worker started", { concurrency: env.WORKER_CONCURRENCY, adapters: env.WORKFLOW_ADAPTERS, healthPort: health?.port ?? null });

// SIGTERM: take no new job; a running execution finishes its current node and hands the job back
// (it resumes from its checkpoints on another worker); exit 0 once every job has finished or been
// handed back, or exit 1 after WORKER_GRACE_MS (the jobs left are taken over after stall detection).
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
    .then(() => Promise.all([producer.close(), rateLimit.close(), health?.close(), db.close(), flushSentry()]))
    .then(() => {
      log.info("stopped");
      process.exit(0);
    });
};
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
