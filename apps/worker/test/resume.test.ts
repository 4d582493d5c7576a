import { createApiKey, createRuns, getRunView } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { createProducer, createWorkers, dispatchRuns, type Producer, type Workers } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { RetryableError, createLogger } from "@job-agent/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHandlers } from "../src/handlers.js";
import { buildPorts } from "../src/ports.js";

const log = createLogger({ app: "test", level: "error" });
let tdb: TestDatabase;
let producer: Producer;
let workers: Workers | undefined;
const config = testQueueConfig();

beforeEach(async () => {
  tdb = await createTestDatabase();
  producer = createProducer({ config });
});
afterEach(async () => {
  await workers?.close();
  await producer.close();
  await cleanupQueues(config);
  await tdb.drop();
});

const waitFinished = async (userId: string, runId: string) => {
  const until = Date.now() + 30_000;
  for (;;) {
    const v = await getRunView(tdb.db, userId, runId);
    if (v && ["completed", "failed", "cancelled"].includes(v.status)) return v;
    if (Date.now() > until) throw new Error(`run still ${v?.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const submit = async (userId: string, input: Record<string, unknown>) => {
  const runs = await createRuns(tdb.db, userId, [{ kind: "job_search", priority: 10, input }]);
  await dispatchRuns(producer, runs);
  return runs[0]!;
};

const baseInput = { query: "Registered Nurse", location: "Vancouver", profileId: null, numResults: 20, maxScreening: 3, sources: null };

describe("a re-delivered job", () => {
  it("resumes at the first unfinished node and never runs finished nodes again", async () => {
    const { user } = await createApiKey(tdb.db, { email: "r@example.com" });
    const { ports, store } = buildPorts({ db: tdb.db, producer, log, adapters: "offline" });
    const calls = { search: 0, score: 0, research: 0, write: 0 };
    const source = ports.sources[0]!;
    ports.sources = [{ name: source.name, search: (q, o) => (calls.search++, source.search(q, o)) }];
    const llm = ports.llm;
    ports.llm = {
      ...llm,
      name: llm.name,
      scorePostings: (i, o) => (calls.score++, llm.scorePostings(i, o)),
      researchCompany: (i, o) => {
        calls.research++;
        // The first attempt dies in the fourth node, after three checkpoints.
        if (calls.research === 1) return Promise.reject(new RetryableError("research provider timed out"));
        return llm.researchCompany(i, o);
      },
      writeMaterials: (i, o) => (calls.write++, llm.writeMaterials(i, o)),
    };
    workers = createWorkers({ config, handlers: createHandlers({ db: tdb.db, store, ports, producer, log, webhookTimeoutMs: 1_000 }), concurrency: 1 });

    const run = await submit(user.id, baseInput);
    const view = await waitFinished(user.id, run.runId);

    expect(view.status).toBe("completed");
    const attempts = Object.fromEntries(view.nodes.map((n) => [n.name, n.attempts]));
    expect(attempts).toEqual({ ProfileRetrieval: 1, Discovery: 1, Matching: 1, Research: 2, Fabrication: 1, Completion: 1, Delivery: 1 });
    expect(calls.search).toBe(1);
    expect(calls.score).toBe(1);
    const shortlisted = (view.result as { summary: { shortlisted: number } }).summary.shortlisted;
    expect(shortlisted).toBeGreaterThan(0);
    expect(calls.write).toBe(shortlisted);
    const exec = await tdb.db.prisma.workflowExecution.findFirstOrThrow({ where: { runId: run.runId } });
    expect(exec.attempts).toBe(2);
    expect(await tdb.db.prisma.jobMatch.count({ where: { runId: run.runId } })).toBe(shortlisted);
  });

  it("fails at once, without retries, on a permanent error", async () => {
    const { user } = await createApiKey(tdb.db, { email: "p@example.com" });
    const profile = await tdb.db.prisma.profile.create({ data: { userId: user.id } });
    const { ports, store } = buildPorts({ db: tdb.db, producer, log, adapters: "offline" });
    workers = createWorkers({ config, handlers: createHandlers({ db: tdb.db, store, ports, producer, log, webhookTimeoutMs: 1_000 }), concurrency: 1 });

    const run = await submit(user.id, { ...baseInput, profileId: profile.id });
    const view = await waitFinished(user.id, run.runId);

    expect(view.status).toBe("failed");
    expect(view.error).toMatchObject({ code: "profile_not_ready", permanent: true, node: "ProfileRetrieval" });
    expect(view.nodes[0]).toMatchObject({ name: "ProfileRetrieval", status: "failed", attempts: 1 });
    expect(view.nodes.slice(1).every((n) => n.status === "pending")).toBe(true);
    const exec = await tdb.db.prisma.workflowExecution.findFirstOrThrow({ where: { runId: run.runId } });
    expect(exec).toMatchObject({ status: "failed", attempts: 1 });
  });
});
