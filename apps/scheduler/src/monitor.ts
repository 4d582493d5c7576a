import { pingDb, type Db } from "@job-agent/db";
import { queueConditions, type Producer, type QueueAlertThresholds } from "@job-agent/queue";
import { evaluateAlerts, type AlertCondition, type AlertNotice, type AlertNotifier, type AlertStore } from "@job-agent/shared";

export interface MonitorDeps {
  db: Db;
  producer: Producer;
  /** Providers with a shared rate limit, and how to ask whether each is refusing calls now. */
  providers?: { names: string[]; saturation: (names: string[]) => Promise<{ provider: string; limitedSinceMs: number | null }[]>; graceMs: number };
  store: AlertStore;
  notify: AlertNotifier;
  thresholds: QueueAlertThresholds & { unreachableGraceMs: number; repeatMs: number };
}

/** One look at Postgres, Redis and the queues; sends what changed. */
export const monitorOnce = async (deps: MonitorDeps, now = new Date()): Promise<AlertNotice[]> => {
  const [postgres, redis] = await Promise.all([pingDb(deps.db), deps.producer.ping()]);
  const conditions: AlertCondition[] = [
    { key: "infra.postgres", active: !postgres, message: "Postgres is unreachable", graceMs: deps.thresholds.unreachableGraceMs },
    { key: "infra.redis", active: !redis, message: "Redis is unreachable", graceMs: deps.thresholds.unreachableGraceMs },
  ];
  if (redis) {
    const snapshots = await deps.producer.snapshot().catch(() => []);
    conditions.push(...queueConditions(snapshots, deps.thresholds));
    if (deps.providers?.names.length) {
      const saturation = await deps.providers.saturation(deps.providers.names).catch(() => []);
      for (const s of saturation) {
        conditions.push({
          key: `provider.rate-limited:${s.provider}`,
          active: s.limitedSinceMs !== null,
          message: `provider ${s.provider} is at its rate limit: calls are being refused and runs rescheduled`,
          graceMs: deps.providers.graceMs,
          details: { provider: s.provider, limitedSince: s.limitedSinceMs === null ? null : new Date(s.limitedSinceMs).toISOString() },
        });
      }
    }
  }
  return evaluateAlerts(conditions, { store: deps.store, notify: deps.notify, now, repeatMs: deps.thresholds.repeatMs });
};

