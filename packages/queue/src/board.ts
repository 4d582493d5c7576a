import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { Queue } from "bullmq";
import type { RequestHandler } from "express";
import { QUEUE_NAMES } from "./catalog.js";
import type { QueueConfig } from "./env.js";
import { SCHEDULES_QUEUE } from "./schedules.js";

export interface QueueBoard {
  /** Mount at `basePath` behind admin authentication. */
  router: RequestHandler;
  close(): Promise<void>;
}

/**
 * Bull Board over every queue, read-only: no retry, clean, promote or add
 * buttons, since a job replayed behind Postgres's back would run a user's
 * run outside the record of it (retries go through POST /v1/runs/:id/retry).
 */
export const createQueueBoard = (config: QueueConfig, basePath: string): QueueBoard => {
  const queues = [...QUEUE_NAMES, SCHEDULES_QUEUE].map(
    (name) => new Queue(name, { prefix: config.prefix, connection: { url: config.url, enableOfflineQueue: false, maxRetriesPerRequest: 1 } }),
  );
  for (const q of queues) q.on("error", () => undefined);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true, allowRetries: false })),
    serverAdapter,
    options: { uiConfig: { boardTitle: "job-agent queues" } },
  });
  return {
    router: serverAdapter.getRouter() as RequestHandler,
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
};
