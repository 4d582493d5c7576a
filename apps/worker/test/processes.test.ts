import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey, createRuns, getRunView, type RunView } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { createProducer, dispatchRuns, type Producer, type QueueConfig } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/**
 * The built worker (`dist/main.js`, from `pnpm build`) as child processes,
 * stopped and killed with real signals.
 */
const WORKER = fileURLToPath(new URL("../dist/main.js", import.meta.url));

let tdb: TestDatabase;
let config: QueueConfig;
let producer: Producer;
const children: ChildProcess[] = [];

beforeEach(async () => {
  tdb = await createTestDatabase();
  config = testQueueConfig();
  producer = createProducer({ config });
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await producer.close();
  await cleanupQueues(config).catch(() => undefined);
  await tdb.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async <T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get().catch(() => undefined as T);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await sleep(50);
  }
};

interface Worker {
  child: ChildProcess;
  logs: string[];
  exit: Promise<number | null>;
}

const startWorker = (env: Record<string, string>, queue: QueueConfig = config): Worker => {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      DATABASE_URL: tdb.url,
      DATABASE_POOL_MAX: "4",
      REDIS_URL: queue.url,
      QUEUE_PREFIX: queue.prefix,
      WORKFLOW_ADAPTERS: "null",
      WORKER_CONCURRENCY: "2",
      WORKER_LOCK_MS: "2000",
      WORKER_STALLED_INTERVAL_MS: "1000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const logs: string[] = [];
  child.stdout.on("data", (d: Buffer) => logs.push(...d.toString().split("\n").filter(Boolean)));
  child.stderr.on("data", (d: Buffer) => logs.push(...d.toString().split("\n").filter(Boolean)));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, logs, exit };
};

const input = { query: "Registered Nurse", location: "Vancouver", profileId: null, numResults: 5, maxScreening: 2, sources: null };
const submit = async (userId: string, p: Producer = producer) => {
  const runs = await createRuns(tdb.db, userId, [{ kind: "job_search", priority: 10, input }]);
  await dispatchRuns(p, runs);
  return runs[0]!;
};
const view = (userId: string, runId: string) => getRunView(tdb.db, userId, runId) as Promise<RunView>;
const node = (v: RunView, name: string) => v.nodes.find((n) => n.name === name)!;
const execution = (runId: string) => tdb.db.prisma.workflowExecution.findFirstOrThrow({ where: { runId } });

describe("a worker stopped with SIGTERM", () => {
  it("takes no new job, lets the running node finish, hands the run back and exits 0; another worker resumes it", async () => {
    const { user } = await createApiKey(tdb.db, { email: "drain@example.com" });
    const first = startWorker({ NULL_ADAPTER_DELAY_MS: "1500", WORKER_GRACE_MS: "15000" });
    const run = await submit(user.id);
    await until("Discovery to start", () => view(user.id, run.runId), (v) => node(v, "Discovery").status === "running");
    first.child.kill("SIGTERM");
    expect(await first.exit).toBe(0);

    // The node that was running finished; the next one never started; the run is not lost.
    let v = await view(user.id, run.runId);
    expect(node(v, "Discovery")).toMatchObject({ status: "completed", attempts: 1 });
    expect(node(v, "Matching")).toMatchObject({ status: "pending", attempts: 0 });
    expect(v.status).toBe("running");
    expect(["waiting", "delayed", "prioritized"]).toContain(await producer.jobState("job-search", run.executionId));
    expect(first.logs.some((l) => l.includes("execution yielded at a node boundary"))).toBe(true);

    startWorker({ NULL_ADAPTER_DELAY_MS: "20" });
    v = await until("the run to complete", () => view(user.id, run.runId), (x) => x.status === "completed");
    expect(node(v, "ProfileRetrieval").attempts).toBe(1);
    expect(node(v, "Discovery").attempts).toBe(1);
    expect(await execution(run.runId)).toMatchObject({ status: "completed", attempts: 2 });
  });
});

describe("a worker killed with SIGKILL mid-node", () => {
  it("loses its job to another worker after stall detection, which resumes at the interrupted node", async () => {
    const { user } = await createApiKey(tdb.db, { email: "kill@example.com" });
    const doomed = startWorker({ NULL_ADAPTER_DELAY_MS: "5000" });
    const run = await submit(user.id);
    await until("Discovery to start", () => view(user.id, run.runId), (v) => node(v, "Discovery").status === "running");
    doomed.child.kill("SIGKILL");
    await doomed.exit;

    startWorker({ NULL_ADAPTER_DELAY_MS: "20" });
    const v = await until("the run to complete", () => view(user.id, run.runId), (x) => x.status === "completed");
    expect(v.nodes.map((n) => [n.name, n.attempts])).toEqual([
      ["ProfileRetrieval", 1],
      ["Discovery", 2],
      ["Matching", 1],
      ["Research", 1],
      ["Fabrication", 1],
      ["Completion", 1],
      ["Delivery", 1],
    ]);
    expect(await execution(run.runId)).toMatchObject({ status: "completed", attempts: 2 });
  });
});

describe("a worker frozen past its lock (SIGSTOP, then SIGCONT)", () => {
  it("cannot overwrite the results of the attempt that took its job over", async () => {
    const { user } = await createApiKey(tdb.db, { email: "stop@example.com" });
    const frozen = startWorker({ NULL_ADAPTER_DELAY_MS: "3000" });
    const run = await submit(user.id);
    await until("Discovery to start", () => view(user.id, run.runId), (v) => node(v, "Discovery").status === "running");
    frozen.child.kill("SIGSTOP");

    const other = startWorker({ NULL_ADAPTER_DELAY_MS: "20" });
    await until("the run to complete", () => view(user.id, run.runId), (x) => x.status === "completed");
    const snapshot = async () => ({
      nodes: await tdb.db.prisma.nodeExecution.findMany({ where: { executionId: run.executionId }, orderBy: { position: "asc" } }),
      events: await tdb.db.prisma.runEvent.count({ where: { runId: run.runId } }),
      execution: await execution(run.runId),
    });
    const before = await snapshot();
    other.child.kill("SIGKILL");

    frozen.child.kill("SIGCONT");
    // Its Discovery call ends and it tries to record the checkpoint: the fence refuses it.
    await until("the frozen worker to notice", () => Promise.resolve(frozen.logs.join("\n")), (l) => l.includes("execution superseded by a newer attempt"), 20_000);
    const after = await snapshot();
    expect(after).toEqual(before);
    expect(after.execution).toMatchObject({ status: "completed", attempts: 2 });
    expect(after.nodes.filter((n) => n.status === "completed")).toHaveLength(7);
  });
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const health = async (port: number, path: "/health" | "/ready") => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
  return res.status;
};

describe("a Redis restart under a running worker", () => {
  it("shows in the worker's health, and the worker consumes jobs enqueued after the restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ja-redis-"));
    const redisPort = await freePort();
    const startRedis = () => {
      const r = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", dir], { stdio: "ignore" });
      children.push(r);
      return r;
    };
    let redis = startRedis();
    const queue = { url: `redis://127.0.0.1:${redisPort}`, prefix: "ja-restart" };
    const p = createProducer({ config: queue, timeoutMs: 1_000 });
    try {
      await until("redis to answer", () => p.ping(), Boolean);
      const { user } = await createApiKey(tdb.db, { email: "redis@example.com" });
      const healthPort = await freePort();
      startWorker({ WORKER_HEALTH_PORT: String(healthPort), NULL_ADAPTER_DELAY_MS: "0" }, queue);
      await until("/health", () => health(healthPort, "/health"), (s) => s === 200);
      expect(await health(healthPort, "/ready")).toBe(200);
      const before = await submit(user.id, p);
      await until("the first run", () => view(user.id, before.runId), (v) => v.status === "completed");

      redis.kill("SIGKILL");
      await new Promise((r) => redis.once("exit", r));
      await until("/health to report the outage", () => health(healthPort, "/health"), (s) => s === 503);
      expect(await health(healthPort, "/ready")).toBe(503);

      redis = startRedis();
      await until("redis to answer again", () => p.ping(), Boolean);
      await until("/health after the restart", () => health(healthPort, "/health"), (s) => s === 200);
      const after = await submit(user.id, p);
      const v = await until("the run enqueued after the restart", () => view(user.id, after.runId), (x) => x.status === "completed");
      expect(v.nodes.every((n) => n.status === "completed")).toBe(true);
      expect(await health(healthPort, "/ready")).toBe(200);
    } finally {
      await p.close();
      redis.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
