import { pingDb, type Db } from "@job-agent/db";
import { queueConditions, type Producer, type QueueAlertThresholds } from "@job-agent/queue";
import { evaluateAlerts, type AlertCondition, type AlertNotice, type AlertNotifier, type AlertStore } from "@job-agent/shared";

export interface MonitorDeps {
  db: Db;
  producer: Producer;
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
  }
  return evaluateAlerts(conditions, { store: deps.store, notify: deps.notify, now, repeatMs: deps.thresholds.repeatMs });
};

