import { createApiKey, createRuns } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { QUEUES, createProducer, type Producer } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcileDeliveriesOnce, reconcileOnce } from "../src/reconciler.js";

let tdb: TestDatabase;
let producer: Producer;
const config = testQueueConfig();

beforeAll(async () => {
  tdb = await createTestDatabase();
  producer = createProducer({ config });
});
afterAll(async () => {
  await producer.close();
  await cleanupQueues(config);
  await tdb.drop();
});

describe("the reconciler", () => {
  it("enqueues a pending execution that has no job, exactly once even when run twice", async () => {
    const { user } = await createApiKey(tdb.db, { email: "s@example.com" });
    // Recorded as if Redis had been down when the API accepted them: no job exists.
    const runs = await createRuns(tdb.db, user.id, [
      { kind: "job_search", priority: 10, input: { query: "Chef", location: "Paris", profileId: null, numResults: 5, maxScreening: 2, sources: null } },
      { kind: "job_search", priority: 1, input: { query: "Baker", location: "Lyon", profileId: null, numResults: 5, maxScreening: 2, sources: null } },
    ]);
    for (const r of runs) expect(await producer.jobState(QUEUES.jobSearch, r.executionId)).toBe("missing");

    const deps = { db: tdb.db, producer };
    const [first, second] = await Promise.all([reconcileOnce(deps, { graceMs: 0, batch: 100 }), reconcileOnce(deps, { graceMs: 0, batch: 100 })]);
    const third = await reconcileOnce(deps, { graceMs: 0, batch: 100 });

    expect(first.checked).toBe(2);
    expect(third.enqueued).toEqual([]);
    const states = await Promise.all(runs.map((r) => producer.jobState(QUEUES.jobSearch, r.executionId)));
    expect(states.every((st) => st === "waiting" || st === "prioritized")).toBe(true);
    // However the two concurrent passes split the work, each execution has exactly one job.
    expect(new Set([...first.enqueued, ...second.enqueued])).toEqual(new Set(runs.map((r) => r.executionId)));
    const counts = await producer.counts(QUEUES.jobSearch);
    expect(counts.waiting! + counts.prioritized! + counts.active! + counts.delayed!).toBe(2);
  });

  it("leaves young executions to the API that is enqueueing them", async () => {
    const { user } = await createApiKey(tdb.db, { email: "y@example.com" });
    const [run] = await createRuns(tdb.db, user.id, [
      { kind: "profiling", priority: 10, input: { profileId: "00000000-0000-4000-8000-000000000000" } },
    ]);
    const res = await reconcileOnce({ db: tdb.db, producer }, { graceMs: 60_000, batch: 100 });
    expect(res.enqueued).not.toContain(run!.executionId);
    expect(await producer.jobState(QUEUES.profiling, run!.executionId)).toBe("missing");
  });

  it("asks again for the webhook of a finished run that never had one attempted, once", async () => {
    const { user } = await createApiKey(tdb.db, { email: "w@example.com" });
    const input = { query: "Chef", location: "Paris", profileId: null, numResults: 5, maxScreening: 2, sources: null };
    const [lost, sent, open] = await createRuns(tdb.db, user.id, [
      { kind: "job_search", priority: 10, input, webhookUrl: "https://hooks.example.com/a" },
      { kind: "job_search", priority: 10, input, webhookUrl: "https://hooks.example.com/b" },
      { kind: "job_search", priority: 10, input, webhookUrl: "https://hooks.example.com/c" },
    ]);
    const done = new Date(Date.now() - 60_000);
    await tdb.db.prisma.run.updateMany({ where: { id: { in: [lost!.runId, sent!.runId] } }, data: { status: "completed", completedAt: done } });
    await tdb.db.prisma.webhookDelivery.create({
      data: { runId: sent!.runId, userId: user.id, webhookId: `msg_${sent!.executionId}`, event: "run.completed", url: "https://hooks.example.com/b", attempt: 1, status: "succeeded" },
    });
    const deps = { db: tdb.db, producer };
    const first = await reconcileDeliveriesOnce(deps, { graceMs: 30_000, batch: 100 });
    const second = await reconcileDeliveriesOnce(deps, { graceMs: 30_000, batch: 100 });
    expect(first).toEqual({ checked: 1, requested: 1 });
    expect(second.checked).toBe(1);
    expect(await producer.jobState(QUEUES.delivery, `delivery-${lost!.runId}-${lost!.executionId}-finished`)).toBe("waiting");
    const counts = await producer.counts(QUEUES.delivery);
    expect(counts.waiting).toBe(1);
    expect(open).toBeDefined();
  });
});

