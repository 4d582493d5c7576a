import { createAlertStore, createDb } from "@job-agent/db";
import { createProducer, createScheduleRunner, createScheduleSync, providerSaturation } from "@job-agent/queue";
import {
  createLogger,
  flushSentry,
  initSentry,
  reportMessage,
  resilientAlertStore,
  slackNotifier,
  type AlertNotifier,
} from "@job-agent/shared";
import { loadSchedulerEnv } from "./env.js";
import { monitorOnce } from "./monitor.js";
import { reconcileDeliveriesOnce, reconcileOnce, reconcileStaleOnce } from "./reconciler.js";
import { fireSchedule, syncSchedules } from "./schedules.js";

const env = loadSchedulerEnv();
const log = createLogger({ app: "scheduler", level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty") });
await initSentry({ dsn: env.SENTRY_DSN, app: "scheduler", environment: env.SENTRY_ENVIRONMENT ?? env.NODE_ENV, release: env.SENTRY_RELEASE });
const db = createDb({ url: env.DATABASE_URL, poolMax: 3, applicationName: "job-agent-scheduler" });
const queueConfig = { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX };
const onRedisError = (err: Error) => log.warn("redis error", { error: err.message });
const producer = createProducer({ config: queueConfig, onError: onRedisError });
const sync = createScheduleSync(queueConfig, onRedisError);
const runner = createScheduleRunner({
  config: queueConfig,
  onError: onRedisError,
  concurrency: env.SCHEDULE_FIRE_CONCURRENCY,
  onFire: async (fire) => {
    const started = await fireSchedule({ db, producer }, fire);
    log.info("schedule fired", { profileId: fire.profileId, slot: fire.slot.toISOString(), runs: started });
  },
});

const webhook = env.ALERT_WEBHOOK_URL ? slackNotifier(env.ALERT_WEBHOOK_URL, { app: "job-agent" }) : null;
const notify: AlertNotifier = async (n) => {
  log.warn(`alert ${n.state}`, { key: n.key, message: n.message });
  reportMessage(n.message, n.state === "firing" ? "error" : "info", { ...n.details, since: n.since.toISOString() }, { alert: n.key, state: n.state });
  await webhook?.(n);
};
const alertStore = resilientAlertStore(createAlertStore(db));

/** Runs `fn` now and then every `everyMs`, one pass at a time, until stopped. */
const timers: NodeJS.Timeout[] = [];
let stopping = false;
const every = (name: string, everyMs: number, fn: () => Promise<unknown>) => {
  const loop = async () => {
    try {
      await fn();
    } catch (err) {
      log.warn(`${name} failed`, { error: err instanceof Error ? err.message : String(err) });
    }
    if (!stopping) timers.push(setTimeout(() => void loop(), everyMs));
  };
  void loop();
};

every("reconcile", env.RECONCILE_INTERVAL_MS, async () => {
  const pending = await reconcileOnce({ db, producer }, { graceMs: env.RECONCILE_GRACE_MS, batch: env.RECONCILE_BATCH });
  const stale = await reconcileStaleOnce({ db, producer }, { staleMs: env.STALE_RUNNING_MS, batch: env.RECONCILE_BATCH });
  const deliveries = await reconcileDeliveriesOnce({ db, producer }, { graceMs: env.DELIVERY_RECONCILE_GRACE_MS, batch: env.RECONCILE_BATCH });
  if (pending.enqueued.length || stale.requeued.length || stale.failed.length || deliveries.requested) {
    log.info("reconciled", { enqueued: pending.enqueued.length, requeued: stale.requeued.length, failed: stale.failed.length, deliveries: deliveries.requested });
  }
});
every("schedule sync", env.SCHEDULE_SYNC_INTERVAL_MS, () => syncSchedules({ db, sync }));
every("monitor", env.MONITOR_INTERVAL_MS, () =>
  monitorOnce({
    db,
    producer,
    store: alertStore,
    notify,
    providers: { names: env.PROVIDER_RATE_LIMITS, saturation: (names) => providerSaturation(queueConfig, names), graceMs: env.ALERT_RATE_LIMIT_GRACE_MS },
    thresholds: {
      backlog: env.ALERT_BACKLOG_THRESHOLD,
      backlogGraceMs: env.ALERT_BACKLOG_GRACE_MS,
      oldestWaitingMs: env.ALERT_OLDEST_WAITING_MS,
      noWorkerGraceMs: env.ALERT_NO_WORKER_GRACE_MS,
      unreachableGraceMs: env.ALERT_UNREACHABLE_GRACE_MS,
      repeatMs: env.ALERT_REPEAT_MS,
    },
  }),
);
log.info("scheduler started", { reconcileIntervalMs: env.RECONCILE_INTERVAL_MS, monitorIntervalMs: env.MONITOR_INTERVAL_MS });

const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  timers.forEach(clearTimeout);
  log.info("shutting down", { signal });
  // Closing waits for Redis; when Redis is what is down, the time limit ends the wait.
  const bounded = (p: Promise<unknown>) => Promise.race([p, new Promise((r) => setTimeout(r, 3_000).unref())]);
  void bounded(Promise.allSettled([runner.close(), sync.close(), producer.close()]))
    .then(() => bounded(Promise.allSettled([db.close(), flushSentry()])))
    .finally(() => process.exit(0));
};
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
