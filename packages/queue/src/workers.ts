import { isPermanentError } from "@job-agent/shared/errors";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { RETENTION, catalog, type PayloadOf, type QueueName } from "./catalog.js";
import type { QueueConfig } from "./env.js";

/** What a handler learns about the job it runs, without BullMQ types. */
export interface JobContext<T> {
  id: string;
  queue: QueueName;
  data: T;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  isFinalAttempt: boolean;
}

export type Handler<Q extends QueueName> = (job: JobContext<PayloadOf<Q>>) => Promise<void>;

/** A handler for every queue: a queue without one is a compile error. */
export type Handlers = { [Q in QueueName]: Handler<Q> };

export interface WorkerEvents {
  onError?: (err: Error, queue: QueueName) => void;
  /** A job failed for good (permanent error, bad payload, or last attempt). */
  onFailed?: (job: { id: string; queue: QueueName; data: unknown; attempt: number; error: Error }) => void;
}

export interface WorkerOptions extends WorkerEvents {
  config: QueueConfig;
  handlers: Handlers;
  /** Jobs run at once per queue in this process. */
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Only these queues (default: all). */
  queues?: QueueName[];
}

export interface Workers {
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
  /** True when every worker is running and connected. */
  isRunning(): boolean;
}

class InvalidPayloadError extends UnrecoverableError {}

const processorFor =
  <Q extends QueueName>(name: Q, handler: Handler<Q>) =>
  async (job: Job): Promise<void> => {
    const spec = catalog[name];
    const parsed = spec.schema.safeParse(job.data);
    if (!parsed.success) {
      throw new InvalidPayloadError(`invalid ${name} payload: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    const maxAttempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    try {
      await handler({
        id: job.id ?? "",
        queue: name,
        data: parsed.data as PayloadOf<Q>,
        attempt,
        maxAttempts,
        isFinalAttempt: attempt >= maxAttempts,
      });
    } catch (err) {
      if (isPermanentError(err) && !(err instanceof UnrecoverableError)) {
        const unrecoverable = new UnrecoverableError((err as Error).message);
        unrecoverable.cause = err;
        throw unrecoverable;
      }
      throw err;
    }
  };

/**
 * One BullMQ worker per queue. Connections retry forever
 * (`maxRetriesPerRequest: null`), so a Redis restart pauses work instead of
 * failing jobs; every worker has an error listener.
 */
export const createWorkers = (opts: WorkerOptions): Workers => {
  const names = opts.queues ?? (Object.keys(opts.handlers) as QueueName[]);
  const workers = names.map((name) => {
    const handler = opts.handlers[name] as Handler<QueueName>;
    const worker = new Worker(name, processorFor(name, handler), {
      prefix: opts.config.prefix,
      connection: { url: opts.config.url, maxRetriesPerRequest: null },
      concurrency: opts.concurrency ?? 4,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: 3,
      ...RETENTION,
    });
    worker.on("error", (err: Error) => opts.onError?.(err, name));
    worker.on("failed", (job: Job | undefined, err: Error) => {
      if (!job) return;
      const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (final) opts.onFailed?.({ id: job.id ?? "", queue: name, data: job.data as unknown, attempt: job.attemptsMade, error: err });
    });
    return worker;
  });
  return {
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
    isRunning: () => workers.every((w) => w.isRunning()),
  };
};
