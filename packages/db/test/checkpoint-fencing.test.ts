import { StaleAttemptError } from "@job-agent/workflows";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, createCheckpointStore, createRuns, getRunView, listRunEvents } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/index.js";

let t: TestDatabase;
let userId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await createApiKey(t.db, { email: "fence@example.com" })).user.id;
});
afterAll(async () => {
  await t?.drop();
});

const input = { query: "Electrician", location: "Leeds", profileId: null, numResults: 5, maxScreening: 2, sources: null };
const newRun = async () => (await createRuns(t.db, userId, [{ kind: "job_search", priority: 10, input }]))[0]!;

describe("the checkpoint store's attempt fence", () => {
  it("gives each claim a newer attempt and refuses every write of an older one, changing nothing", async () => {
    const store = createCheckpointStore(t.db);
    const { executionId, runId } = await newRun();
    const first = await store.markRunning(executionId);
    expect(first?.attempt).toBe(1);
    await store.nodeStarted({ executionId, node: "ProfileRetrieval", position: 0, attempt: 1 });

    // Another worker takes the job over after stall detection.
    const second = await store.markRunning(executionId);
    expect(second?.attempt).toBe(2);
    expect(second?.startedAt.getTime()).toBe(first?.startedAt.getTime());
    const eventsBefore = (await listRunEvents(t.db, runId)).length;

    const stale = { executionId, node: "ProfileRetrieval", position: 0, attempt: 1 };
    await expect(store.nodeCompleted({ ...stale, output: { profile: "old" }, progress: 14 })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.nodeFailed({ ...stale, error: { name: "E", message: "m", permanent: true }, final: true })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.cancelled({ executionId, attempt: 1 })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.completed({ executionId, attempt: 1, result: {} })).rejects.toBeInstanceOf(StaleAttemptError);
    const node = await t.db.prisma.nodeExecution.findUniqueOrThrow({ where: { executionId_name: { executionId, name: "ProfileRetrieval" } } });
    expect(node).toMatchObject({ status: "running", output: null });
    expect(await t.db.prisma.workflowExecution.findUniqueOrThrow({ where: { id: executionId } })).toMatchObject({ status: "running", attempts: 2 });
    expect(await listRunEvents(t.db, runId)).toHaveLength(eventsBefore);

    // The owner's writes go through, and a node completes once.
    await store.nodeStarted({ ...stale, attempt: 2 });
    await store.nodeCompleted({ ...stale, attempt: 2, output: { profile: null }, progress: 14 });
    await expect(store.nodeCompleted({ ...stale, attempt: 2, output: { profile: "again" }, progress: 14 })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.nodeStarted({ ...stale, attempt: 2 })).rejects.toBeInstanceOf(StaleAttemptError);
    expect(await t.db.prisma.nodeExecution.findMany({ where: { executionId, status: "completed" } })).toEqual([expect.objectContaining({ name: "ProfileRetrieval", output: { profile: null }, attempts: 2 })]);

    await store.completed({ executionId, attempt: 2, result: { summary: {} } });
    // A finished execution cannot be claimed again, nor written to.
    expect(await store.markRunning(executionId)).toBeNull();
    await expect(store.nodeStarted({ ...stale, node: "Discovery", attempt: 2 })).rejects.toBeInstanceOf(StaleAttemptError);
  });

  it("serialises a stale write against the claim of the newer attempt: exactly one of them wins", async () => {
    const store = createCheckpointStore(t.db);
    for (let i = 0; i < 10; i++) {
      const { executionId } = await newRun();
      await store.markRunning(executionId);
      await store.nodeStarted({ executionId, node: "ProfileRetrieval", position: 0, attempt: 1 });
      const [write, claim] = await Promise.allSettled([
        store.nodeCompleted({ executionId, node: "ProfileRetrieval", position: 0, attempt: 1, output: { profile: null }, progress: 14 }),
        store.markRunning(executionId),
      ]);
      expect(claim).toMatchObject({ status: "fulfilled", value: { attempt: 2 } });
      const row = await t.db.prisma.nodeExecution.findUniqueOrThrow({ where: { executionId_name: { executionId, name: "ProfileRetrieval" } } });
      // Either the write committed before the claim (and the checkpoint stands), or it was refused and left nothing.
      if (write.status === "fulfilled") expect(row.status).toBe("completed");
      else expect([row.status, (write.reason as Error).name]).toEqual(["running", "StaleAttemptError"]);
    }
  });

  it("tells whether the run's cancellation was requested, and records the cancellation with its event", async () => {
    const store = createCheckpointStore(t.db);
    const { executionId, runId } = await newRun();
    const { attempt } = (await store.markRunning(executionId))!;
    await store.nodeStarted({ executionId, node: "ProfileRetrieval", position: 0, attempt });
    expect(await store.cancelRequested(executionId)).toBe(false);
    await t.db.prisma.run.update({ where: { id: runId }, data: { cancelRequestedAt: new Date() } });
    expect(await store.cancelRequested(executionId)).toBe(true);
    await store.cancelled({ executionId, attempt, node: "ProfileRetrieval" });
    const view = await getRunView(t.db, userId, runId);
    expect(view).toMatchObject({ status: "cancelled" });
    expect(view!.nodes[0]).toMatchObject({ name: "ProfileRetrieval", status: "cancelled" });
    expect((await listRunEvents(t.db, runId)).at(-1)).toMatchObject({ type: "run.status", status: "cancelled" });
  });
});

describe("a retried run's new execution", () => {
  it("starts from the completed nodes of the run's earlier executions, shown completed with 0 attempts", async () => {
    const store = createCheckpointStore(t.db);
    const { executionId: first, runId } = await newRun();
    await store.markRunning(first);
    for (const [i, node] of ["ProfileRetrieval", "Discovery"].entries()) {
      await store.nodeStarted({ executionId: first, node, position: i, attempt: 1 });
      await store.nodeCompleted({ executionId: first, node, position: i, attempt: 1, output: { [node]: "first" }, progress: 10 });
    }
    await store.nodeStarted({ executionId: first, node: "Matching", position: 2, attempt: 1 });
    await store.nodeFailed({ executionId: first, node: "Matching", attempt: 1, error: { name: "E", message: "down", permanent: true }, final: true });

    const second = (await t.db.prisma.workflowExecution.create({ data: { runId } })).id;
    await t.db.prisma.run.update({ where: { id: runId }, data: { status: "pending" } });
    const snap = await store.load(second);
    expect(snap?.checkpoints).toEqual({ ProfileRetrieval: { ProfileRetrieval: "first" }, Discovery: { Discovery: "first" } });
    expect(await store.markRunning(second)).toMatchObject({ attempt: 1 });
    const view = await getRunView(t.db, userId, runId);
    expect(view!.nodes.slice(0, 3)).toEqual([
      expect.objectContaining({ name: "ProfileRetrieval", status: "completed", attempts: 0 }),
      expect.objectContaining({ name: "Discovery", status: "completed", attempts: 0 }),
      expect.objectContaining({ name: "Matching", status: "pending", attempts: 0 }),
    ]);
    // A third execution takes the latest output of each node.
    await store.nodeStarted({ executionId: second, node: "Matching", position: 2, attempt: 1 });
    await store.nodeCompleted({ executionId: second, node: "Matching", position: 2, attempt: 1, output: { Matching: "second" }, progress: 40 });
    const third = (await t.db.prisma.workflowExecution.create({ data: { runId } })).id;
    expect((await store.load(third))?.checkpoints).toEqual({
      ProfileRetrieval: { ProfileRetrieval: "first" },
      Discovery: { Discovery: "first" },
      Matching: { Matching: "second" },
    });
  });
});
