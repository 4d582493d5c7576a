import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Express } from "express";
import { createApiKey, createAuthenticator, createRunEventListener, pingDb, type RunEventHub } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { createProducer, createQueueBoard, createRateLimiter, createScheduleSync, createWorkers, type Producer, type Workers } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import type { QueueConfig } from "@job-agent/queue";
import { createLogger, type Resolver, type WebhookRetryPolicy } from "@job-agent/shared";
import { buildPorts, createHandlers } from "@job-agent/worker";
import { createApp } from "../src/app.js";
import { defaultAppEnv, type AppEnv } from "../src/deps.js";

export interface Stack {
  base: string;
  app: Express;
  tdb: TestDatabase;
  producer: Producer;
  events: RunEventHub;
  workers: Workers | null;
  keyA: string;
  keyB: string;
  config: QueueConfig;
  close(): Promise<void>;
}

/** The real API on a loopback port, over its own database and queue prefix, with (optionally) an in-process worker. */
export const startStack = async (opts: {
  worker: boolean;
  bodyLimit?: number;
  /** Overrides of the API settings (rate limits, caps, OUTBOUND_ALLOW_PRIVATE_HOSTS…). */
  env?: Partial<AppEnv>;
  resolve?: Resolver;
  webhookRetry?: WebhookRetryPolicy;
  /** Points the API's producer and rate limiter elsewhere (e.g. a Redis that is down), with their time limit. */
  apiRedis?: { url: string; timeoutMs: number };
}): Promise<Stack> => {
  const tdb = await createTestDatabase();
  const config = testQueueConfig();
  const log = createLogger({ app: "test", level: "error" });
  const apiConfig = opts.apiRedis ? { ...config, url: opts.apiRedis.url } : config;
  const producer = createProducer({ config: apiConfig, ...(opts.apiRedis ? { timeoutMs: opts.apiRedis.timeoutMs } : {}) });
  const limiter = createRateLimiter({ config: apiConfig, ...(opts.apiRedis ? { timeoutMs: opts.apiRedis.timeoutMs } : {}) });
  const schedules = createScheduleSync(config);
  const board = createQueueBoard(config, "/admin/queues");
  const auth = createAuthenticator(tdb.db, { ttlMs: 60_000 });
  const events = createRunEventListener({ url: tdb.url, reconnectMs: 100, onAuthChanged: auth.clear });
  await events.ready();
  const env: AppEnv = { ...defaultAppEnv, NODE_ENV: "test", BODY_LIMIT_BYTES: opts.bodyLimit ?? 1_000_000, ...opts.env };
  const app = createApp({
    db: tdb.db,
    producer,
    log,
    env,
    events,
    limiter,
    schedules,
    board,
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
    authenticate: auth.authenticate,
    forgetKeys: auth.clear,
    ready: async () => ({ postgres: await pingDb(tdb.db), redis: await producer.ping() }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let workers: Workers | null = null;
  if (opts.worker) {
    const { ports, store } = buildPorts({ db: tdb.db, producer, log, adapters: "offline", env: { OUTBOUND_ALLOW_PRIVATE_HOSTS: env.OUTBOUND_ALLOW_PRIVATE_HOSTS } });
    workers = createWorkers({
      config,
      handlers: createHandlers({
        db: tdb.db,
        store,
        ports,
        producer,
        log,
        webhookTimeoutMs: 2_000,
        outbound: { allowPrivateHosts: env.OUTBOUND_ALLOW_PRIVATE_HOSTS, httpsOnly: false },
        ...(opts.webhookRetry ? { webhookRetry: opts.webhookRetry } : {}),
      }),
      concurrency: 4,
    });
  }
  const keyA = (await createApiKey(tdb.db, { email: "a@example.com", plan: "premium" })).key;
  const keyB = (await createApiKey(tdb.db, { email: "b@example.com" })).key;
  return {
    base,
    app,
    tdb,
    producer,
    events,
    workers,
    keyA,
    keyB,
    config,
    close: async () => {
      await workers?.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await events.close();
      await limiter.close();
      await schedules.close();
      await board.close();
      await producer.close();
      await cleanupQueues(config);
      await tdb.drop();
    },
  };
};

export const call = async (
  base: string,
  method: string,
  path: string,
  opts: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> => {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
};

/** Polls a run until it is finished (or the time is up). */
export const waitForRun = async (base: string, key: string, runId: string, timeoutMs = 30_000): Promise<any> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call(base, "GET", `/v1/runs/${runId}`, { key });
    if (["completed", "failed", "cancelled"].includes(body.status)) return body;
    if (Date.now() > until) throw new Error(`run ${runId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
