import type { QueueSnapshot } from "./producer.js";

export interface QueueAlertThresholds {
  backlog: number;
  backlogGraceMs: number;
  oldestWaitingMs: number;
  noWorkerGraceMs: number;
}

export interface QueueCondition {
  key: string;
  active: boolean;
  message: string;
  graceMs: number;
  details: Record<string, unknown>;
}

/** What the queues' state means for alerting: backlog, stale waiting jobs, no live worker. */
export const queueConditions = (snapshots: QueueSnapshot[], t: QueueAlertThresholds): QueueCondition[] =>
  snapshots.flatMap((s) => {
    const details = { queue: s.queue, backlog: s.backlog, oldestWaitingMs: s.oldestWaitingMs, workers: s.workers, counts: s.counts };
    return [
      {
        key: `queue.backlog:${s.queue}`,
        active: s.backlog > t.backlog,
        message: `queue ${s.queue} has ${s.backlog} jobs waiting (threshold ${t.backlog})`,
        graceMs: t.backlogGraceMs,
        details,
      },
      {
        key: `queue.oldest-waiting:${s.queue}`,
        active: s.oldestWaitingMs > t.oldestWaitingMs,
        message: `the oldest job waiting on ${s.queue} is ${Math.round(s.oldestWaitingMs / 1000)} s old (threshold ${Math.round(t.oldestWaitingMs / 1000)} s)`,
        graceMs: 0,
        details,
      },
      {
        key: `queue.no-worker:${s.queue}`,
        active: s.workers === 0,
        message: `no live worker consumes queue ${s.queue}`,
        graceMs: t.noWorkerGraceMs,
        details,
      },
    ];
  });
