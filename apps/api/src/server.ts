import { createAuthenticator, createDb, createRunEventListener, pingDb } from "@job-agent/db";
import { createProducer, createQueueBoard, createRateLimiter, createScheduleSync } from "@job-agent/queue";
import { createLogger, flushSentry, initSentry } from "@job-agent/shared";
import { createApp } from "./app.js";
import type { ApiEnv } from "./env.js";

/** One API process: its connections, the HTTP server, and a drain on SIGTERM. */
export const serve = async (env: ApiEnv): Promise<void> => {
  const log = createLogger({ app: "api", level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty") });
  await initSentry({ dsn: env.SENTRY_DSN, app: "api", environment: env.SENTRY_ENVIRONMENT ?? env.NODE_ENV, release: env.SENTRY_RELEASE });
  const db = createDb({ url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX, applicationName: "job-agent-api" });
  const queueConfig = { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX };
  const producer = createProducer({ config: queueConfig, onError: (err) => log.warn("redis error", { error: err.message }) });
  const limiter = createRateLimiter({ config: queueConfig, onError: (err) => log.warn("rate limiter error", { error: err.message }) });
  const schedules = createScheduleSync(queueConfig, (err) => log.warn("redis error", { error: err.message }));
  const board = createQueueBoard(queueConfig, "/admin/queues");
  const auth = createAuthenticator(db, { ttlMs: env.AUTH_CACHE_TTL_MS });
  // One LISTEN connection for the whole process; every event stream is fed from it, and it hears of changed keys.
  const events = createRunEventListener({
    url: env.DATABASE_URL,
    applicationName: "job-agent-api-listen",
    onError: (err) => log.warn("run event listener error", { error: err.message }),
    onReconnected: () => log.info("run event listener reconnected"),
    onAuthChanged: auth.clear,
  });

  const app = createApp({
    db,
    producer,
    log,
    env,
    events,
    limiter,
    schedules,
    board,
    authenticate: auth.authenticate,
    forgetKeys: auth.clear,
    ready: async () => ({ postgres: await pingDb(db), redis: await producer.ping() }),
  });

  const server = app.listen(env.PORT, env.HOST, () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : env.PORT;
    log.info("api listening", { port });
  });

  const shutdown = (signal: string) => {
    log.info("shutting down", { signal });
    // Event streams are long-lived: end them so close() can finish.
    server.closeIdleConnections();
    void events.close();
    server.close(() => {
      void Promise.all([producer.close(), limiter.close(), schedules.close(), board.close(), db.close(), flushSentry()]).finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
};
