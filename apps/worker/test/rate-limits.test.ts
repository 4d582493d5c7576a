import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiKey, createRuns, getRunView } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { createProducer, createProviderLimiter, createWorkers, dispatchRuns, providerSaturation, type Producer, type ProviderLimiter, type Workers } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { createLogger } from "@job-agent/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandlers } from "../src/handlers.js";
import { buildPorts } from "../src/ports.js";

const log = createLogger({ app: "test", level: "error" });
const config = testQueueConfig();
const remotive = readFileSync(new URL("../../../../shared/fixtures/job-sources/remotive.json", import.meta.url), "utf8");
let tdb: TestDatabase;
let producer: Producer;
const limiters: ProviderLimiter[] = [];
const workers: Workers[] = [];
let requests = 0;
const board = createServer((req, res) => {
  requests++;
  if (!req.url?.startsWith("/api/remote-jobs")) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/json" }).end(remotive);
});

beforeAll(async () => {
  await new Promise<void>((r) => board.listen(0, "127.0.0.1", r));
  tdb = await createTestDatabase();
  producer = createProducer({ config });
});
afterAll(async () => {
  for (const w of workers) await w.close();
  for (const l of limiters) await l.close();
  await producer.close();
  await cleanupQueues(config);
  await tdb.drop();
  await new Promise<void>((r) => board.close(() => r()));
});

describe("a provider's rate limit", () => {
  it("holds across two worker processes' limiters; refused calls reschedule the run without using an attempt", async () => {
    const { user } = await createApiKey(tdb.db, { email: "limits@example.com" });
    const baseUrl = `http://127.0.0.1:${(board.address() as AddressInfo).port}`;
    // Two workers, each with its own limiter (as two processes would have), sharing one Redis limit:
    // one remotive call per 300 ms, and no waiting, so every refused call reschedules its job.
    for (let i = 0; i < 2; i++) {
      const limiter = createProviderLimiter({ config, rules: { remotive: { limit: 1, windowMs: 300 } }, maxWaitMs: 0 });
      limiters.push(limiter);
      const { ports, store } = buildPorts({ db: tdb.db, producer, log, adapters: "offline", env: { JOB_SOURCES: ["remotive"], SOURCE_TIMEOUT_MS: 5_000 }, sourceBaseUrls: { remotive: baseUrl }, rateLimit: limiter });
      workers.push(createWorkers({ config, handlers: createHandlers({ db: tdb.db, store, ports, producer, log, webhookTimeoutMs: 1_000 }), concurrency: 4, queues: ["job-search"] }));
    }
    // Eight runs at once: the last one is refused more times than the queue allows attempts (5).
    const runs = await createRuns(tdb.db, user.id, [...Array(8)].map(() => ({ kind: "job_search" as const, priority: 10, input: { query: "engineer", location: "", profileId: null, numResults: 5, maxScreening: 1, sources: null } })));
    await dispatchRuns(producer, runs);

    const end = Date.now() + 60_000;
    let views = await Promise.all(runs.map((r) => getRunView(tdb.db, user.id, r.runId)));
    let sawSaturation = false;
    while (!views.every((v) => v && ["completed", "failed"].includes(v.status)) && Date.now() < end) {
      const [s] = await providerSaturation(config, ["remotive"]);
      sawSaturation ||= typeof s?.limitedSinceMs === "number";
      await new Promise((r) => setTimeout(r, 50));
      views = await Promise.all(runs.map((r) => getRunView(tdb.db, user.id, r.runId)));
    }
    expect(views.map((v) => v?.status)).toEqual(Array(8).fill("completed"));
    // One request per run reached the provider: no refused call was sent.
    expect(requests).toBe(8);
    const discovery = views.map((v) => v!.nodes.find((n) => n.name === "Discovery")!.attempts);
    expect(Math.max(...discovery)).toBeGreaterThan(5);
    expect(sawSaturation).toBe(true);
    expect(await providerSaturation(config, ["remotive"])).toEqual([{ provider: "remotive", limitedSinceMs: null }]);
  });
});
