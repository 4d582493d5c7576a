import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cancelRun, createApiKey, createRuns, getRunView, retryRun, type RunView } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { createProducer, createWorkers, dispatchRuns, type Producer, type Workers } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { PermanentError, createLogger } from "@job-agent/shared";
import type { ExecutionLimits, JobPosting } from "@job-agent/workflows";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { userFairness } from "../src/durability.js";
import { createHandlers } from "../src/handlers.js";
import { buildPorts } from "../src/ports.js";

const log = createLogger({ app: "test", level: "error" });
let tdb: TestDatabase;
let producer: Producer;
let workers: Workers | undefined;
let config = testQueueConfig();

beforeEach(async () => {
  config = testQueueConfig();
  tdb = await createTestDatabase();
  producer = createProducer({ config });
});
afterEach(async () => {
  await workers?.close();
  workers = undefined;
  await producer.close();
  await cleanupQueues(config);
  await tdb.drop();
});

const FINISHED = ["completed", "failed", "cancelled"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async <T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await sleep(50);
  }
};
const view = (userId: string, runId: string) => getRunView(tdb.db, userId, runId) as Promise<RunView>;
const finished = (userId: string, runId: string) => until("run to finish", () => view(userId, runId), (v) => FINISHED.includes(v.status));

const input = { query: "Registered Nurse", location: "Vancouver", profileId: null, numResults: 5, maxScreening: 2, sources: null };
const submit = async (userId: string, extra: { webhookUrl?: string } = {}) => {
  const runs = await createRuns(tdb.db, userId, [{ kind: "job_search", priority: 10, input, ...extra }]);
  await dispatchRuns(producer, runs);
  return runs[0]!;
};

/** A worker in this process over the null adapters, each call taking `delayMs`. */
const startWorker = (o: { delayMs?: number; limits?: ExecutionLimits; concurrency?: number; cap?: number; tweak?: (p: ReturnType<typeof buildPorts>["ports"]) => void } = {}) => {
  const { ports, store } = buildPorts({ db: tdb.db, producer, log, adapters: "null", env: { NULL_ADAPTER_DELAY_MS: o.delayMs ?? 0 } });
  o.tweak?.(ports);
  workers = createWorkers({
    config,
    handlers: createHandlers({
      db: tdb.db,
      store,
      ports,
      producer,
      log,
      webhookTimeoutMs: 2_000,
      outbound: { allowPrivateHosts: ["127.0.0.1"], httpsOnly: false },
      ...(o.limits ? { limits: o.limits } : {}),
    }),
    concurrency: o.concurrency ?? 2,
    ...(o.cap ? { fairness: userFairness(tdb.db, { USER_MAX_CONCURRENT_RUNS: o.cap, USER_CAP_RETRY_MS: 150 }) } : {}),
  });
  return ports;
};

describe("cancellation", () => {
  it("aborts the running node's provider call and ends the run cancelled, without running later nodes", async () => {
    const { user } = await createApiKey(tdb.db, { email: "c@example.com" });
    let signal: AbortSignal | undefined;
    startWorker({
      limits: { cancelPollMs: 50 },
      tweak: (p) => {
        p.sources = [{ name: "slow", search: (_q, opts) => ((signal = opts?.signal), new Promise<JobPosting[]>(() => undefined)) }];
      },
    });
    const run = await submit(user.id);
    await until("Discovery to start", () => view(user.id, run.runId), (v) => v.currentNode === "Discovery" && v.nodes[1]!.status === "running");
    expect(await cancelRun(tdb.db, user.id, run.runId)).toMatchObject({ outcome: "accepted", status: "running" });

    const v = await finished(user.id, run.runId);
    expect(v.status).toBe("cancelled");
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).name).toBe("RunCancelledError");
    expect(v.nodes.map((n) => [n.name, n.status])).toEqual([
      ["ProfileRetrieval", "completed"],
      ["Discovery", "cancelled"],
      ["Matching", "pending"],
      ["Research", "pending"],
      ["Fabrication", "pending"],
      ["Completion", "pending"],
      ["Delivery", "pending"],
    ]);
    expect(await tdb.db.prisma.workflowExecution.findFirstOrThrow({ where: { runId: run.runId } })).toMatchObject({ status: "cancelled", attempts: 1 });
    const events = await tdb.db.prisma.runEvent.findMany({ where: { runId: run.runId }, orderBy: { id: "asc" } });
    expect(events.at(-1)).toMatchObject({ type: "run.status", data: { status: "cancelled" } });
  });
});

describe("time limits", () => {
  it("abort a node past its limit and retry it; the node's attempts show the failed one", async () => {
    const { user } = await createApiKey(tdb.db, { email: "t@example.com" });
    let calls = 0;
    const signals: AbortSignal[] = [];
    startWorker({
      limits: { nodeTimeoutMs: (n) => (n === "Discovery" ? 200 : 10_000) },
      tweak: (p) => {
        const real = p.sources[0]!;
        // The first search hangs and ignores its signal; the retry answers.
        p.sources = [{ name: real.name, search: (q, opts) => (signals.push(opts!.signal!), ++calls === 1 ? new Promise<JobPosting[]>(() => undefined) : real.search(q, opts)) }];
      },
    });
    const run = await submit(user.id);
    const v = await finished(user.id, run.runId);
    expect(v.status).toBe("completed");
    expect(calls).toBe(2);
    expect(signals[0]!.aborted).toBe(true);
    expect((signals[0]!.reason as Error).message).toBe("Discovery exceeded its time limit of 200 ms");
    expect(v.nodes.find((n) => n.name === "Discovery")).toMatchObject({ status: "completed", attempts: 2 });
  });

  it("fail a run past its overall limit for good, with a clear error and no retry", async () => {
    const { user } = await createApiKey(tdb.db, { email: "rt@example.com" });
    startWorker({ delayMs: 400, limits: { runTimeoutMs: 1_000 } });
    const run = await submit(user.id);
    const v = await finished(user.id, run.runId);
    expect(v.status).toBe("failed");
    expect(v.error).toMatchObject({ code: "run_timeout", permanent: true, message: "the run exceeded its time limit of 1 s" });
    expect(await tdb.db.prisma.workflowExecution.findFirstOrThrow({ where: { runId: run.runId } })).toMatchObject({ status: "failed", attempts: 1 });
  });
});

describe("retrying a failed run", () => {
  it("resumes from the checkpoints of its earlier execution and delivers one webhook per execution", async () => {
    const received: { id: string; type: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ id: String(req.headers["webhook-id"]), type: (JSON.parse(body) as { type: string }).type });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const { user } = await createApiKey(tdb.db, { email: "retry@example.com" });
      let searches = 0;
      let scorings = 0;
      startWorker({
        tweak: (p) => {
          const real = p.sources[0]!;
          p.sources = [{ name: real.name, search: (q, o) => (searches++, real.search(q, o)) }];
          const score = p.llm.scorePostings.bind(p.llm);
          p.llm = { ...p.llm, name: p.llm.name, scorePostings: (i, o) => (++scorings === 1 ? Promise.reject(new PermanentError("model refused the request", "http_400")) : score(i, o)) };
        },
      });
      const run = await submit(user.id, { webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` });
      expect((await finished(user.id, run.runId)).status).toBe("failed");
      await until("the failure webhook", () => Promise.resolve(received.length), (n) => n === 1);

      const retried = await retryRun(tdb.db, user.id, run.runId);
      if (retried.outcome !== "retried") throw new Error(`not retried: ${retried.outcome}`);
      await dispatchRuns(producer, [retried.run]);
      const v = await until("the retried run", () => view(user.id, run.runId), (x) => x.status === "completed");

      expect(searches).toBe(1);
      expect(scorings).toBe(2);
      expect(v.nodes.map((n) => [n.name, n.status, n.attempts])).toEqual([
        ["ProfileRetrieval", "completed", 0],
        ["Discovery", "completed", 0],
        ["Matching", "completed", 1],
        ["Research", "completed", 1],
        ["Fabrication", "completed", 1],
        ["Completion", "completed", 1],
        ["Delivery", "completed", 1],
      ]);
      const executions = await tdb.db.prisma.workflowExecution.findMany({ where: { runId: run.runId }, orderBy: { createdAt: "asc" } });
      expect(executions.map((e) => e.status)).toEqual(["failed", "completed"]);
      await until("the completion webhook", () => Promise.resolve(received.length), (n) => n === 2);
      await sleep(500);
      expect(received).toEqual([
        { id: `msg_${executions[0]!.id}`, type: "run.failed" },
        { id: `msg_${executions[1]!.id}`, type: "run.completed" },
      ]);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});

describe("fairness", () => {
  it("runs one user's single run before most of another user's ten runs queued ahead of it", async () => {
    const a = (await createApiKey(tdb.db, { email: "a@example.com" })).user;
    const b = (await createApiKey(tdb.db, { email: "b@example.com" })).user;
    const runsOfA = await createRuns(tdb.db, a.id, [...Array(10)].map(() => ({ kind: "job_search" as const, priority: 10, input })));
    const [runOfB] = await createRuns(tdb.db, b.id, [{ kind: "job_search", priority: 10, input }]);
    await dispatchRuns(producer, [...runsOfA, runOfB!]);
    // About 300 ms per run: four slow calls (Discovery, Matching, Research, Fabrication) of 75 ms.
    startWorker({ delayMs: 75, concurrency: 2, cap: 1 });

    const all = [...runsOfA.map((r) => ({ ...r, user: a.id })), { ...runOfB!, user: b.id }];
    await until("every run to finish", () => Promise.all(all.map((r) => view(r.user, r.runId))), (vs) => vs.every((v) => v.status === "completed"), 60_000);
    const executions = await tdb.db.prisma.workflowExecution.findMany({ where: { runId: { in: all.map((r) => r.runId) } } });
    const doneAt = new Map(executions.map((e) => [e.runId, e.finishedAt!.getTime()]));
    const aDone = runsOfA.map((r) => doneAt.get(r.runId)!).sort((x, y) => x - y);
    expect(doneAt.get(runOfB!.runId)!).toBeLessThan(aDone[3]!);
    // User A never had two executions running at once.
    const spans = executions.filter((e) => runsOfA.some((r) => r.runId === e.runId)).map((e) => [e.startedAt!.getTime(), e.finishedAt!.getTime()] as const).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    // Waiting at the cap cost no attempt.
    expect(executions.every((e) => e.attempts === 1)).toBe(true);
  });
});
