import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { QUEUES, createProducer, createProviderLimiter, providerSaturation } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { memoryAlertStore, type AlertNotice } from "@job-agent/shared";
import { eventually, startFakeSentry, startReceiver } from "@job-agent/shared/testing";
import { monitorOnce } from "../src/monitor.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltApp, stop } from "./processes.js";

let tdb: TestDatabase;
const config = testQueueConfig();
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await cleanupQueues(config);
  await tdb.drop();
});

describe("alerts", () => {
  it("say 'no live worker' to Sentry and the alert webhook when the worker stops, and 'resolved' when it is back", async () => {
    const sentry = await startFakeSentry();
    const hook = await startReceiver();
    const base = { DATABASE_URL: tdb.url, REDIS_URL: config.url, QUEUE_PREFIX: config.prefix };
    let worker = startBuiltApp("worker", base);
    const producer = createProducer({ config });
    const allConsumed = async () => (await producer.snapshot()).every((q) => q.workers > 0);
    await eventually(allConsumed, "the worker to consume every queue");
    const scheduler = startBuiltApp("scheduler", {
      ...base,
      SENTRY_DSN: sentry.dsn,
      ALERT_WEBHOOK_URL: hook.url,
      MONITOR_INTERVAL_MS: "250",
      ALERT_NO_WORKER_GRACE_MS: "1000",
      ALERT_REPEAT_MS: "3600000",
      RECONCILE_INTERVAL_MS: "600000",
      SCHEDULE_SYNC_INTERVAL_MS: "600000",
    });
    const messages = () => hook.received.map((r) => JSON.parse(r.body) as { alert: { key: string; state: string } });
    const states = (key: string) => messages().filter((m) => m.alert.key === key).map((m) => m.alert.state);
    try {
      // While the worker runs, nothing is said about workers.
      await new Promise((r) => setTimeout(r, 2_000));
      expect(messages().filter((m) => m.alert.key.startsWith("queue.no-worker"))).toEqual([]);

      const stoppedAt = Date.now();
      expect(await stop(worker)).toBe(0);
      await eventually(() => states("queue.no-worker:job-search").includes("firing"), "a no-worker alert");
      const fireMs = Date.now() - stoppedAt;
      await eventually(() => sentry.events.some((e) => e.tags?.alert === "queue.no-worker:job-search"), "the Sentry event");
      const event = sentry.events.find((e) => e.tags?.alert === "queue.no-worker:job-search")!;
      expect(event.level).toBe("error");
      expect(event.tags).toMatchObject({ app: "scheduler", state: "firing" });
      expect(event.contexts?.details).toMatchObject({ queue: "job-search", workers: 0 });
      const queues = ["profiling", "job-search", "delivery"];
      await eventually(() => queues.every((q) => states(`queue.no-worker:${q}`).length > 0), "an alert for every queue");
      for (const q of queues) expect(states(`queue.no-worker:${q}`)).toEqual(["firing"]);

      const restartedAt = Date.now();
      worker = startBuiltApp("worker", base);
      await eventually(() => states("queue.no-worker:job-search").includes("resolved"), "the resolved message");
      const resolveMs = Date.now() - restartedAt;
      expect(states("queue.no-worker:job-search")).toEqual(["firing", "resolved"]);
      console.info(`no-worker alert: fired ${fireMs} ms after the worker stopped (grace 1000 ms, monitor every 250 ms); resolved ${resolveMs} ms after it restarted`);
    } finally {
      await stop(worker);
      await stop(scheduler);
      await producer.close();
      await sentry.close();
      await hook.close();
    }
  });
});

describe("alerts on infrastructure and queues", () => {
  it("say when Redis and Postgres are unreachable", async () => {
    const hook = await startReceiver();
    const scheduler = startBuiltApp("scheduler", {
      DATABASE_URL: "postgresql://postgres@127.0.0.1:1/nowhere",
      REDIS_URL: "redis://127.0.0.1:1",
      QUEUE_PREFIX: config.prefix,
      ALERT_WEBHOOK_URL: hook.url,
      MONITOR_INTERVAL_MS: "250",
      ALERT_UNREACHABLE_GRACE_MS: "500",
    });
    const startedAt = Date.now();
    try {
      const keys = () => hook.received.map((r) => (JSON.parse(r.body) as { alert: { key: string; state: string } }).alert);
      await eventually(() => keys().some((a) => a.key === "infra.redis" && a.state === "firing"), "a Redis alert");
      await eventually(() => keys().some((a) => a.key === "infra.postgres" && a.state === "firing"), "a Postgres alert");
      console.info(`unreachable Redis and Postgres alerts: ${Date.now() - startedAt} ms after start (grace 500 ms)`);
    } finally {
      await stop(scheduler);
      await hook.close();
    }
  });

  it("say when a backlog builds up and when the oldest job waits too long", async () => {
    const producer = createProducer({ config });
    const store = memoryAlertStore();
    const sent: AlertNotice[] = [];
    const deps = {
      db: tdb.db,
      producer,
      store,
      notify: (n: AlertNotice) => (sent.push(n), Promise.resolve()),
      thresholds: { backlog: 2, backlogGraceMs: 0, oldestWaitingMs: 1_000, noWorkerGraceMs: 3_600_000, unreachableGraceMs: 0, repeatMs: 3_600_000 },
    };
    try {
      for (let i = 0; i < 3; i++) {
        const id = randomUUID();
        await producer.enqueue(QUEUES.profiling, { runId: randomUUID(), executionId: id }, { jobId: id });
      }
      await monitorOnce(deps);
      expect(sent.map((n) => n.key)).toEqual(["queue.backlog:profiling"]);
      expect(sent[0]!.details).toMatchObject({ backlog: 3 });
      await new Promise((r) => setTimeout(r, 1_100));
      await monitorOnce(deps);
      expect(sent.map((n) => n.key)).toEqual(["queue.backlog:profiling", "queue.oldest-waiting:profiling"]);
    } finally {
      await producer.close();
    }
  });

  it("say when a provider stays at its rate limit, and when it recovers", async () => {
    const producer = createProducer({ config });
    const limiter = createProviderLimiter({ config, rules: { remotive: { limit: 1, windowMs: 400 } }, maxWaitMs: 0 });
    const sent: AlertNotice[] = [];
    const deps = {
      db: tdb.db,
      producer,
      store: memoryAlertStore(),
      notify: (n: AlertNotice) => (sent.push(n), Promise.resolve()),
      thresholds: { backlog: 1_000, backlogGraceMs: 0, oldestWaitingMs: 3_600_000, noWorkerGraceMs: 3_600_000, unreachableGraceMs: 0, repeatMs: 3_600_000 },
      providers: { names: ["remotive"], saturation: (names: string[]) => providerSaturation(config, names), graceMs: 0 },
    };
    const key = "provider.rate-limited:remotive";
    try {
      await limiter.acquire("remotive");
      await monitorOnce(deps);
      expect(sent.filter((n) => n.key === key)).toEqual([]);
      await expect(limiter.acquire("remotive")).rejects.toMatchObject({ code: "rate_limited" });
      await monitorOnce(deps);
      expect(sent.filter((n) => n.key === key).map((n) => n.state)).toEqual(["firing"]);
      await new Promise((r) => setTimeout(r, 450));
      await limiter.acquire("remotive");
      await monitorOnce(deps);
      expect(sent.filter((n) => n.key === key).map((n) => n.state)).toEqual(["firing", "resolved"]);
    } finally {
      await limiter.close();
      await producer.close();
    }
  });
});

