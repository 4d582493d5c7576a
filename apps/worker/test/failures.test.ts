import { createApiKey, createRuns, getRunView } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { createProducer, createWorkers, dispatchRuns, type Producer, type Workers } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { RetryableError, createLogger, flushSentry, initSentry } from "@job-agent/shared";
import { eventually, startFakeSentry } from "@job-agent/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onJobFailedForGood } from "../src/failures.js";
import { createHandlers } from "../src/handlers.js";
import { buildPorts } from "../src/ports.js";

const log = createLogger({ app: "test", level: "error" });
const config = testQueueConfig();
let tdb: TestDatabase;
let producer: Producer;
let workers: Workers;
let sentry: Awaited<ReturnType<typeof startFakeSentry>>;
let failDiscoveryOnce = new Set<string>();

beforeAll(async () => {
  sentry = await startFakeSentry();
  await initSentry({ dsn: sentry.dsn, app: "worker", environment: "test" });
  tdb = await createTestDatabase();
  producer = createProducer({ config });
  const { ports, store } = buildPorts({ db: tdb.db, producer, log, adapters: "offline" });
  const source = ports.sources[0]!;
  ports.sources = [
    {
      name: source.name,
      search: (q, o) => {
        if (failDiscoveryOnce.delete(q.query)) return Promise.reject(new RetryableError("job board timed out"));
        return source.search(q, o);
      },
    },
  ];
  workers = createWorkers({
    config,
    handlers: createHandlers({ db: tdb.db, store, ports, producer, log, webhookTimeoutMs: 1_000 }),
    onFailed: onJobFailedForGood({ db: tdb.db, log }),
  });
});
afterAll(async () => {
  await workers.close();
  await producer.close();
  await cleanupQueues(config);
  await tdb.drop();
  await sentry.close();
});

const input = (query: string, profileId: string | null = null) => ({ query, location: "London", profileId, numResults: 10, maxScreening: 2, sources: null });
const finished = async (userId: string, runId: string) => {
  await eventually(async () => ["completed", "failed"].includes((await getRunView(tdb.db, userId, runId))!.status), `run ${runId} to finish`);
  return (await getRunView(tdb.db, userId, runId))!;
};

describe("failure reporting", () => {
  it("sends exactly one Sentry event, with the run's ids, for a run that fails for good — and none for a node that succeeds on retry", async () => {
    const { user } = await createApiKey(tdb.db, { email: "f@example.com" });
    const notReady = await tdb.db.prisma.profile.create({ data: { userId: user.id } });
    failDiscoveryOnce = new Set(["Accountant"]);
    const runs = await createRuns(tdb.db, user.id, [
      { kind: "job_search", priority: 10, input: input("Accountant") },
      { kind: "job_search", priority: 10, input: input("Nurse", notReady.id) },
    ]);
    await dispatchRuns(producer, runs);
    const [retried, failed] = await Promise.all(runs.map((r) => finished(user.id, r.runId)));

    expect(retried!.status).toBe("completed");
    expect(retried!.nodes.find((n) => n.name === "Discovery")!.attempts).toBe(2);
    expect(failed!.status).toBe("failed");
    await flushSentry();
    await eventually(() => sentry.events.length >= 1, "the failure event");
    await new Promise((r) => setTimeout(r, 500));
    await flushSentry();
    expect(sentry.events).toHaveLength(1);
    const [ev] = sentry.events;
    expect(ev!.tags).toMatchObject({ runId: runs[1]!.runId, executionId: runs[1]!.executionId, node: "ProfileRetrieval", queue: "job-search" });
    expect(ev!.user).toEqual({ id: user.id });
    expect(JSON.stringify(ev)).not.toMatch(/cvText|coverLetter/);
  });
});
