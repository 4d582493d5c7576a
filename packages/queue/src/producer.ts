import { Queue } from "bullmq";
import { QUEUES, QUEUE_NAMES, RETENTION, catalog, type PayloadOf, type QueueName } from "./catalog.js";
import type { QueueConfig } from "./env.js";

export interface EnqueueOptions {
  /** The job id; a second enqueue with the same id is a no-op. */
  jobId: string;
  priority?: number;
  delayMs?: number;
}

export type JobState = "waiting" | "active" | "delayed" | "prioritized" | "waiting-children" | "completed" | "failed" | "unknown" | "missing";

export interface Producer {
  enqueue<Q extends QueueName>(queue: Q, data: PayloadOf<Q>, opts: EnqueueOptions): Promise<void>;
  /** The state of a job, "missing" when Redis has no such job. */
  jobState(queue: QueueName, jobId: string): Promise<JobState>;
  removeJob(queue: QueueName, jobId: string): Promise<void>;
  /** Jobs by state: waiting, prioritized, active, delayed, completed, failed. */
  counts(queue: QueueName): Promise<Record<string, number>>;
  /** Depth, age of the oldest waiting job and live workers of each queue. */
  snapshot(queues?: QueueName[]): Promise<QueueSnapshot[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface QueueSnapshot {
  queue: QueueName;
  counts: Record<string, number>;
  /** Jobs waiting to start (waiting + prioritized). */
  backlog: number;
  /** Age of the oldest job waiting to start, ms; 0 when none waits. */
  oldestWaitingMs: number;
  /** Worker connections consuming the queue right now. */
  workers: number;
}

export interface ProducerOptions {
  config: QueueConfig;
  /** How long an enqueue may take before it is given up (the caller decides what that means). */
  timeoutMs?: number;
  onError?: (err: Error) => void;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

/**
 * Typed producers. Their connection fails fast (no offline queue), so an
 * API request never hangs on a Redis that is down: the caller gets an error
 * at once and the run, already in Postgres, is picked up by the reconciler.
 */
export const createProducer = ({ config, timeoutMs = 2_000, onError }: ProducerOptions): Producer => {
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, {
        prefix: config.prefix,
        // Commands issued in the same tick (concurrent requests' enqueues) leave in one write.
        connection: { url: config.url, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, enableAutoPipelining: true },
        defaultJobOptions: { ...RETENTION },
      });
      q.on("error", (err: Error) => onError?.(err));
      queues.set(name, q);
    }
    return q;
  };

  return {
    enqueue: async (name, data, opts) => {
      const spec = catalog[name];
      const payload = spec.schema.parse(data) as Record<string, unknown>;
      const q = queue(name);
      await withTimeout(
        q.waitUntilReady().then(() =>
          q.add(name, payload, {
            jobId: opts.jobId,
            attempts: spec.attempts,
            backoff: { type: "exponential", delay: spec.backoffMs, jitter: spec.jitter },
            ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
            ...(opts.delayMs ? { delay: opts.delayMs } : {}),
          }),
        ),
        timeoutMs,
        `enqueue on ${name}`,
      );
    },
    jobState: async (name, jobId) => {
      const q = queue(name);
      const state = await withTimeout(q.getJobState(jobId), timeoutMs, `job state on ${name}`);
      return (state === "unknown" ? "missing" : state);
    },
    removeJob: async (name, jobId) => {
      await withTimeout(queue(name).remove(jobId), timeoutMs, `remove on ${name}`);
    },
    counts: (name) =>
      withTimeout(
        queue(name).getJobCounts("waiting", "prioritized", "active", "delayed", "completed", "failed"),
        timeoutMs,
        `counts on ${name}`,
      ),
    snapshot: (names = QUEUE_NAMES) =>
      Promise.all(
        names.map(async (name): Promise<QueueSnapshot> => {
          const q = queue(name);
          const [counts, oldest, workers] = await withTimeout(
            Promise.all([
              q.getJobCounts("waiting", "prioritized", "active", "delayed", "completed", "failed"),
              q.getJobs(["waiting", "prioritized"], 0, 0, true),
              q.getWorkersCount(),
            ]),
            timeoutMs,
            `snapshot of ${name}`,
          );
          const first = Math.min(...oldest.map((j) => j.timestamp));
          return {
            queue: name,
            counts,
            backlog: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
            oldestWaitingMs: Number.isFinite(first) ? Math.max(0, Date.now() - first) : 0,
            workers,
          };
        }),
      ),
    ping: async () => {
      try {
        await withTimeout(queue(QUEUES.profiling).getJobCounts("waiting"), timeoutMs, "redis ping");
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)));
      queues.clear();
    },
  };
};
