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

const nodes = { profiling: ["CvIngestion", "ProfileExtraction", "TitleSuggestion"], job_search: ["ProfileRetrieval", "Discovery", "Matching", "Research", "Fabrication", "Completion", "Delivery"] };
const claim = (store: ReturnType<typeof createCheckpointStore>, executionId: string) => store.claim({ executionId, nodes });
const node = (executionId: string, name: string) => t.db.prisma.nodeExecution.findUniqueOrThrow({ where: { executionId_name: { executionId, name } } });

describe("the checkpoint store's attempt fence", () => {
  it("gives each claim a newer attempt and refuses every write of an older one, changing nothing", async () => {
    const store = createCheckpointStore(t.db);
    const { executionId, runId } = await newRun();
    const first = await claim(store, executionId);
    expect(first).toMatchObject({ attempt: 1, started: "ProfileRetrieval", cancelRequested: false, snapshot: { runId, userId, kind: "job_search", runInput: input, checkpoints: {} } });

    // Another worker takes the job over after stall detection: the first node starts again.
    const second = await claim(store, executionId);
    expect(second).toMatchObject({ attempt: 2, started: "ProfileRetrieval" });
    expect(second?.startedAt.getTime()).toBe(first?.startedAt.getTime());
    expect(await node(executionId, "ProfileRetrieval")).toMatchObject({ status: "running", attempts: 2 });
    const eventsBefore = (await listRunEvents(t.db, runId)).length;

    const completed = { node: "ProfileRetrieval", position: 0, output: { profile: "old" }, progress: 14 };
    await expect(store.advance({ executionId, attempt: 1, completed, next: { node: "Discovery", position: 1 } })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.nodeFailed({ executionId, node: "ProfileRetrieval", attempt: 1, error: { name: "E", message: "m", permanent: true }, final: true })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.cancelled({ executionId, attempt: 1 })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.failed({ executionId, attempt: 1, error: { name: "E", message: "m", permanent: true } })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.finish({ executionId, attempt: 1, completed, result: {} })).rejects.toBeInstanceOf(StaleAttemptError);
    expect(await node(executionId, "ProfileRetrieval")).toMatchObject({ status: "running", output: null });
    expect(await t.db.prisma.nodeExecution.count({ where: { executionId } })).toBe(1);
    expect(await t.db.prisma.workflowExecution.findUniqueOrThrow({ where: { id: executionId } })).toMatchObject({ status: "running", attempts: 2, progress: 0 });
    expect(await listRunEvents(t.db, runId)).toHaveLength(eventsBefore);

    // The owner's writes go through, and a node completes once.
    expect(await store.advance({ executionId, attempt: 2, completed: { ...completed, output: { profile: null } }, next: { node: "Discovery", position: 1 } })).toEqual({ cancelRequested: false, started: true });
    await expect(store.advance({ executionId, attempt: 2, completed: { ...completed, output: { profile: "again" } } })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.advance({ executionId, attempt: 2, next: { node: "ProfileRetrieval", position: 0 } })).rejects.toBeInstanceOf(StaleAttemptError);
    expect(await t.db.prisma.nodeExecution.findMany({ where: { executionId, status: "completed" } })).toEqual([expect.objectContaining({ name: "ProfileRetrieval", output: { profile: null }, attempts: 2 })]);
    expect(await node(executionId, "Discovery")).toMatchObject({ status: "running", attempts: 1, position: 1 });
    expect(await t.db.prisma.workflowExecution.findUniqueOrThrow({ where: { id: executionId } })).toMatchObject({ currentNode: "Discovery", progress: 14 });

    await store.finish({ executionId, attempt: 2, completed: { node: "Discovery", position: 1, output: { postings: [] }, progress: 29, tokensUsed: 7 }, result: { summary: {} } });
    expect(await getRunView(t.db, userId, runId)).toMatchObject({ status: "completed", progress: 100, currentNode: "Discovery", result: { summary: {} } });
    expect(await t.db.prisma.workflowExecution.findUniqueOrThrow({ where: { id: executionId } })).toMatchObject({ status: "completed", tokensUsed: 7 });
    expect((await listRunEvents(t.db, runId)).slice(eventsBefore).map((e) => [e.type, e.node ?? e.status])).toEqual([
      ["node.completed", "ProfileRetrieval"],
      ["node.started", "Discovery"],
      ["node.completed", "Discovery"],
      ["run.status", "completed"],
    ]);
    // A finished execution cannot be claimed again, nor written to.
    expect(await claim(store, executionId)).toBeNull();
    await expect(store.advance({ executionId, attempt: 2, next: { node: "Matching", position: 2 } })).rejects.toBeInstanceOf(StaleAttemptError);
  });

  it("serialises a stale write against the claim of the newer attempt (two workers): exactly one of them wins", async () => {
    const [a, b] = [createCheckpointStore(t.db), createCheckpointStore(t.db)];
    for (let i = 0; i < 10; i++) {
      const { executionId } = await newRun();
      await claim(a, executionId);
      const [write, taken] = await Promise.allSettled([
        a.advance({ executionId, attempt: 1, completed: { node: "ProfileRetrieval", position: 0, output: { profile: null }, progress: 14 } }),
        claim(b, executionId),
      ]);
      expect(taken).toMatchObject({ status: "fulfilled", value: { attempt: 2 } });
      const row = await node(executionId, "ProfileRetrieval");
      // Either the write committed before the claim (and the checkpoint stands), or it was refused and left nothing.
      if (write.status === "fulfilled") expect(row.status).toBe("completed");
      else expect([row.status, row.output, (write.reason as Error).name]).toEqual(["running", null, "StaleAttemptError"]);
    }
  });

  it("tells whether the run's cancellation was requested, starts no further node once it was, and records the cancellation with its event", async () => {
    const store = createCheckpointStore(t.db);
    const { executionId, runId } = await newRun();
    const { attempt } = (await claim(store, executionId))!;
    expect(await store.cancelRequested(executionId)).toBe(false);
    await t.db.prisma.run.update({ where: { id: runId }, data: { cancelRequestedAt: new Date() } });
    expect(await store.cancelRequested(executionId)).toBe(true);
    const boundary = await store.advance({ executionId, attempt, completed: { node: "ProfileRetrieval", position: 0, output: { profile: null }, progress: 14 }, next: { node: "Discovery", position: 1 } });
    expect(boundary).toEqual({ cancelRequested: true, started: false });
    expect(await t.db.prisma.nodeExecution.count({ where: { executionId, name: "Discovery" } })).toBe(0);
    await store.cancelled({ executionId, attempt });
    const view = await getRunView(t.db, userId, runId);
    expect(view).toMatchObject({ status: "cancelled" });
    expect(view!.nodes.slice(0, 2)).toEqual([expect.objectContaining({ name: "ProfileRetrieval", status: "completed" }), expect.objectContaining({ name: "Discovery", status: "pending" })]);
    expect((await listRunEvents(t.db, runId)).at(-1)).toMatchObject({ type: "run.status", status: "cancelled" });

    // A run cancelled before its claim starts no node at all.
    const other = await newRun();
    await t.db.prisma.run.update({ where: { id: other.runId }, data: { cancelRequestedAt: new Date() } });
    expect(await claim(store, other.executionId)).toMatchObject({ cancelRequested: true, started: null });
    expect(await t.db.prisma.nodeExecution.count({ where: { executionId: other.executionId } })).toBe(0);
  });
});

describe("group commit", () => {
  it("writes the checkpoints of many concurrent executions in far fewer transactions, each one correct", async () => {
    const store = createCheckpointStore(t.db);
    const runs = await createRuns(t.db, userId, Array.from({ length: 40 }, () => ({ kind: "job_search" as const, priority: 10, input })));
    const commits = async () => {
      const { rows } = await t.db.pool.query<{ n: string }>("select pg_stat_clear_snapshot(), xact_commit::text as n from pg_stat_database where datname = current_database()");
      return Number(rows[0]!.n);
    };
    const before = await commits();
    await Promise.all(
      runs.map(async ({ executionId }) => {
        const { attempt } = (await claim(store, executionId))!;
        const names = nodes.job_search;
        for (const [i, name] of names.entries()) {
          const completed = { node: name, position: i, output: { [name]: executionId }, progress: Math.round(((i + 1) / names.length) * 100) };
          if (i === names.length - 1) await store.finish({ executionId, attempt, completed, result: { done: executionId } });
          else await store.advance({ executionId, attempt, completed, next: { node: names[i + 1]!, position: i + 1 } });
        }
      }),
    );
    const transactions = (await commits()) - before;
    // 40 executions × 8 writes = 320 writes; batched, they take a small fraction of that.
    expect(transactions).toBeLessThan(80);
    for (const { runId, executionId } of runs) {
      const view = await getRunView(t.db, userId, runId);
      expect(view).toMatchObject({ status: "completed", progress: 100, result: { done: executionId } });
      expect(view!.nodes.every((n) => n.status === "completed" && n.attempts === 1)).toBe(true);
      const outputs = await t.db.prisma.nodeExecution.findMany({ where: { executionId }, select: { output: true } });
      expect(outputs.every((o) => Object.values(o.output as object)[0] === executionId)).toBe(true);
      expect(await listRunEvents(t.db, runId)).toHaveLength(16);
    }
  });

  it("fails a write Postgres refuses on its own, without failing the others that shared its batch", async () => {
    const store = createCheckpointStore(t.db);
    const runs = await createRuns(t.db, userId, Array.from({ length: 6 }, () => ({ kind: "job_search" as const, priority: 10, input })));
    const claims = await Promise.all(runs.map((r) => claim(store, r.executionId)));
    const results = await Promise.allSettled(
      runs.map((r, i) =>
        store.advance({
          executionId: r.executionId,
          attempt: claims[i]!.attempt,
          // jsonb holds no NUL character: this one write cannot be stored
          completed: { node: "ProfileRetrieval", position: 0, output: { text: i === 2 ? "nul\u0000" : "fine" }, progress: 14 },
          next: { node: "Discovery", position: 1 },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect(await node(runs[2]!.executionId, "ProfileRetrieval")).toMatchObject({ status: "running", output: null });
    expect(await node(runs[3]!.executionId, "ProfileRetrieval")).toMatchObject({ status: "completed", output: { text: "fine" } });
  });
});

describe("a retried run's new execution", () => {
  it("starts from the completed nodes of the run's earlier executions, shown completed with 0 attempts", async () => {
    const store = createCheckpointStore(t.db);
    const { executionId: first, runId } = await newRun();
    await claim(store, first);
    for (const [i, name] of ["ProfileRetrieval", "Discovery"].entries()) {
      await store.advance({ executionId: first, attempt: 1, completed: { node: name, position: i, output: { [name]: "first" }, progress: 10 }, next: { node: nodes.job_search[i + 1]!, position: i + 1 } });
    }
    await store.nodeFailed({ executionId: first, node: "Matching", attempt: 1, error: { name: "E", message: "down", permanent: true }, final: true });
    expect(await getRunView(t.db, userId, runId)).toMatchObject({ status: "failed", error: { message: "down", node: "Matching" } });

    const second = (await t.db.prisma.workflowExecution.create({ data: { runId } })).id;
    await t.db.prisma.run.update({ where: { id: runId }, data: { status: "pending" } });
    const claimed = await claim(store, second);
    expect(claimed).toMatchObject({ attempt: 1, started: "Matching" });
    expect(claimed?.snapshot.checkpoints).toEqual({ ProfileRetrieval: { ProfileRetrieval: "first" }, Discovery: { Discovery: "first" } });
    const view = await getRunView(t.db, userId, runId);
    expect(view!.nodes.slice(0, 3)).toEqual([
      expect.objectContaining({ name: "ProfileRetrieval", status: "completed", attempts: 0 }),
      expect.objectContaining({ name: "Discovery", status: "completed", attempts: 0 }),
      expect.objectContaining({ name: "Matching", status: "running", attempts: 1 }),
    ]);
    // A third execution takes the latest output of each node.
    await store.advance({ executionId: second, attempt: 1, completed: { node: "Matching", position: 2, output: { Matching: "second" }, progress: 40 } });
    const third = (await t.db.prisma.workflowExecution.create({ data: { runId } })).id;
    expect((await claim(store, third))?.snapshot.checkpoints).toEqual({
      ProfileRetrieval: { ProfileRetrieval: "first" },
      Discovery: { Discovery: "first" },
      Matching: { Matching: "second" },
    });
  });
});
