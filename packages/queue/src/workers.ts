import { isPermanentError } from "@job-agent/shared/errors";
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { RETENTION, catalog, type PayloadOf, type QueueName } from "./catalog.js";
import type { QueueConfig } from "./env.js";
import { createSlots, type Slots } from "./slots.js";

/** What a handler learns about the job it runs, without BullMQ types. */
export interface JobContext<T> {
  id: string;
  queue: QueueName;
  data: T;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  isFinalAttempt: boolean;
  /** Aborted once the workers are closing: long work should stop at a safe point and defer the job. */
  stopping: AbortSignal;
}

export type Handler<Q extends QueueName> = (job: JobContext<PayloadOf<Q>>) => Promise<void>;

/** A handler for every queue: a queue without one is a compile error. */
export type Handlers = { [Q in QueueName]: Handler<Q> };

export interface WorkerEvents {
  onError?: (err: Error, queue: QueueName) => void;
  /** A job failed for good (permanent error, bad payload, or last attempt). */
  onFailed?: (job: { id: string; queue: QueueName; data: unknown; attempt: number; error: Error }) => void;
}

/**
 * A cap on the jobs of one owner (a user) running at once across every
 * worker process. A job whose owner is at the cap goes back to the delayed
 * set without counting an attempt and asks again later, so the excess waits
 * without holding a worker slot and other owners' jobs run meanwhile.
 */
export interface FairnessOptions {
  /** The queues it applies to. */
  queues: QueueName[];
  /** The job's owner; null: not capped. */
  ownerOf: (queue: QueueName, data: unknown) => Promise<string | null>;
  /** Jobs of one owner running at once. */
  limit: number;
  /** How long a job at the cap waits before it asks again (ms, ±50 % jitter). Default 1 s. */
  retryDelayMs?: number;
  /** A slot's lifetime without a refresh (ms); refreshed every third of it while the job runs. Default: the lock duration. */
  slotTtlMs?: number;
}

export interface WorkerOptions extends WorkerEvents {
  config: QueueConfig;
  handlers: Handlers;
  /** Jobs run at once per queue in this process. */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (ms, default 30 s). BullMQ
   * renews it on a timer every half of this, so a long node keeps it as long
   * as the event loop is free (node work never blocks it: CPU-heavy parsing
   * runs in a worker thread). A worker that stops renewing (killed, frozen)
   * loses the job to the stall check after at most lockDuration + stalledInterval.
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (ms, default 30 s). */
  stalledIntervalMs?: number;
  /** Only these queues (default: all). */
  queues?: QueueName[];
  fairness?: FairnessOptions;
}

export interface WorkerHealth {
  /** Every worker running and both its connections (commands and blocking) ready. */
  ok: boolean;
  queues: { queue: QueueName; running: boolean; client: string; blocking: string }[];
}

export interface Workers {
  /**
   * Stops taking jobs, tells the running ones (`JobContext.stopping`) and
   * waits for them to finish or hand themselves back (a deferral).
   */
  close(): Promise<void>;
  /** True when every worker is running. */
  isRunning(): boolean;
  /** Running and connected: what a liveness check should look at. */
  health(): Promise<WorkerHealth>;
}

class InvalidPayloadError extends UnrecoverableError {}

/**
 * An error asking to try later without a failed attempt (a provider's rate
 * limit, or a job handing itself back while the worker stops): it carries
 * `retryAfterMs`.
 */
const deferralOf = (err: unknown): number | null => {
  const ms = err instanceof Error ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof ms === "number" && Number.isFinite(ms) ? Math.max(0, ms) : null;
};

/** Moves the job back to delayed without counting an attempt (BullMQ: `moveToDelayed` + DelayedError). */
const deferJob = async (job: Job, token: string | undefined, delayMs: number): Promise<never> => {
  await job.moveToDelayed(Date.now() + Math.round(delayMs), token);
  throw new DelayedError();
};

const jittered = (ms: number) => Math.round(ms * (0.5 + Math.random()));

const processorFor =
  <Q extends QueueName>(name: Q, handler: Handler<Q>, fair: { slots: Slots; opts: FairnessOptions; ttlMs: number } | null, stopping: AbortSignal) =>
  async (job: Job, token?: string): Promise<void> => {
    const spec = catalog[name];
    const parsed = spec.schema.safeParse(job.data);
    if (!parsed.success) {
      throw new InvalidPayloadError(`invalid ${name} payload: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    const maxAttempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    const jobId = job.id ?? "";

    let owner: string | null = null;
    let refresher: NodeJS.Timeout | undefined;
    if (fair?.opts.queues.includes(name)) {
      owner = await fair.opts.ownerOf(name, parsed.data);
      if (owner !== null) {
        if (!(await fair.slots.acquire(owner, jobId, fair.opts.limit))) await deferJob(job, token, jittered(fair.opts.retryDelayMs ?? 1_000));
        const held = owner;
        refresher = setInterval(() => void fair.slots.refresh(held, jobId).catch(() => undefined), Math.max(100, Math.floor(fair.ttlMs / 3)));
      }
    }
    try {
      await handler({
        id: jobId,
        queue: name,
        data: parsed.data as PayloadOf<Q>,
        attempt,
        maxAttempts,
        isFinalAttempt: attempt >= maxAttempts,
        stopping,
      });
    } catch (err) {
      const deferMs = deferralOf(err);
      if (deferMs !== null) await deferJob(job, token, deferMs);
      if (isPermanentError(err) && !(err instanceof UnrecoverableError)) {
        const unrecoverable = new UnrecoverableError((err as Error).message);
        unrecoverable.cause = err;
        throw unrecoverable;
      }
      throw err;
    } finally {
      clearInterval(refresher);
      if (owner !== null) await fair?.slots.release(owner, jobId).catch(() => undefined);
    }
  };

const withTimeout = <T>(p: Promise<T>, ms: number, fallback: T): Promise<T> =>
  new Promise<T>((resolve) => {
    const t = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      () => (clearTimeout(t), resolve(fallback)),
    );
  });

/**
 * One BullMQ worker per queue. Connections retry forever
 * (`maxRetriesPerRequest: null`), so a Redis restart pauses work instead of
 * failing jobs; every worker has an error listener.
 */
export const createWorkers = (opts: WorkerOptions): Workers => {
  const names = opts.queues ?? (Object.keys(opts.handlers) as QueueName[]);
  const lockDuration = opts.lockDurationMs ?? 30_000;
  const slotTtlMs = opts.fairness?.slotTtlMs ?? lockDuration;
  const slots = opts.fairness ? createSlots({ config: opts.config, ttlMs: slotTtlMs, onError: (err) => opts.onError?.(err, opts.fairness!.queues[0]!) }) : null;
  const fair = slots && opts.fairness ? { slots, opts: opts.fairness, ttlMs: slotTtlMs } : null;
  const stopping = new AbortController();
  const workers = names.map((name) => {
    const handler = opts.handlers[name] as Handler<QueueName>;
    const worker = new Worker(name, processorFor(name, handler, fair, stopping.signal), {
      prefix: opts.config.prefix,
      connection: { url: opts.config.url, maxRetriesPerRequest: null },
      concurrency: opts.concurrency ?? 4,
      lockDuration,
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
  const statusOf = (client: Promise<{ status: string }> | undefined): Promise<string> =>
    client ? withTimeout(client.then((c) => c.status), 500, "unknown") : Promise.resolve("none");
  return {
    close: async () => {
      stopping.abort();
      await Promise.all(workers.map((w) => w.close()));
      await slots?.close();
    },
    isRunning: () => workers.every((w) => w.isRunning()),
    health: async () => {
      const queues = await Promise.all(
        workers.map(async (w, i) => ({
          queue: names[i]!,
          running: w.isRunning(),
          client: await statusOf(w.backend.client),
          blocking: await statusOf(w.backend.blockingClient),
        })),
      );
      return { ok: queues.every((q) => q.running && q.client === "ready" && q.blocking === "ready"), queues };
    },
  };
};
