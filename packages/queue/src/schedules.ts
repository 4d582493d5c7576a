import { Queue, Worker, type Job } from "bullmq";
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { RETENTION } from "./catalog.js";
import type { QueueConfig } from "./env.js";

/**
 * The queue that carries schedule firings. It is not in the run catalog: its
 * jobs are made by BullMQ job schedulers (one per profile) and consumed by
 * the scheduler app, never by workers.
 */
export const SCHEDULES_QUEUE = "schedules";

const ScheduleFire = z.object({ profileId: z.uuid() });

const schedulerId = (profileId: string) => `profile:${profileId}`;

export interface ScheduleSpec {
  profileId: string;
  cron: string;
  timezone: string;
}

/** Null when the pattern and timezone are valid; otherwise what is wrong with which. */
export const checkSchedule = (cron: string, timezone: string): { field: "cron" | "timezone"; message: string } | null => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
  } catch {
    return { field: "timezone", message: "not an IANA timezone (e.g. Europe/Berlin)" };
  }
  if (cron.trim().split(/\s+/).length !== 5) return { field: "cron", message: "must have five fields (minute hour day month weekday)" };
  try {
    CronExpressionParser.parse(cron, { tz: timezone });
  } catch (err) {
    return { field: "cron", message: `not a valid cron pattern: ${err instanceof Error ? err.message : String(err)}` };
  }
  return null;
};

export interface ScheduleSync {
  /** Creates or changes the profile's job scheduler (idempotent). */
  upsert(spec: ScheduleSpec): Promise<void>;
  remove(profileId: string): Promise<void>;
  /** Profile ids that have a job scheduler now. */
  list(): Promise<string[]>;
  close(): Promise<void>;
}

/** Keeps BullMQ job schedulers (one per profile) in step with what the database says. */
export const createScheduleSync = (config: QueueConfig, onError?: (err: Error) => void): ScheduleSync => {
  const queue = new Queue(SCHEDULES_QUEUE, {
    prefix: config.prefix,
    connection: { url: config.url, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    defaultJobOptions: { ...RETENTION },
  });
  queue.on("error", (err: Error) => onError?.(err));
  return {
    upsert: async ({ profileId, cron, timezone }) => {
      await queue.waitUntilReady();
      await queue.upsertJobScheduler(
        schedulerId(profileId),
        { pattern: cron, tz: timezone },
        { name: "fire", data: { profileId }, opts: { attempts: 5, backoff: { type: "exponential", delay: 5_000, jitter: 0.5 } } },
      );
    },
    remove: async (profileId) => {
      await queue.waitUntilReady();
      await queue.removeJobScheduler(schedulerId(profileId));
    },
    list: async () => {
      await queue.waitUntilReady();
      const all = await queue.getJobSchedulers(0, -1, true);
      return all.map((s) => s.key).filter((k) => k.startsWith("profile:")).map((k) => k.slice("profile:".length));
    },
    close: () => queue.close(),
  };
};

export interface ScheduleRunner {
  close(): Promise<void>;
}

/**
 * Consumes schedule firings. `slot` is the time the firing was due, so a
 * handler can tell one firing from the next and refuse a repeat.
 */
export const createScheduleRunner = (opts: {
  config: QueueConfig;
  onFire: (fire: { profileId: string; slot: Date }) => Promise<void>;
  onError?: (err: Error) => void;
  concurrency?: number;
}): ScheduleRunner => {
  const worker = new Worker(
    SCHEDULES_QUEUE,
    async (job: Job) => {
      const data = ScheduleFire.parse(job.data);
      const due = job.timestamp + (job.opts.delay ?? 0);
      await opts.onFire({ profileId: data.profileId, slot: new Date(Math.floor(due / 1000) * 1000) });
    },
    { prefix: opts.config.prefix, connection: { url: opts.config.url, maxRetriesPerRequest: null }, concurrency: opts.concurrency ?? 8, ...RETENTION },
  );
  worker.on("error", (err: Error) => opts.onError?.(err));
  return { close: () => worker.close() };
};
