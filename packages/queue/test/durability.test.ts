import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  QUEUES,
  RateLimitedError,
  createProducer,
  createProviderLimiter,
  createSlots,
  createWorkers,
  parseProviderRateLimits,
  providerSaturation,
  type Handlers,
  type ProviderLimiter,
  type Producer,
  type Slots,
  type Workers,
} from "../src/index.js";
import { cleanupQueues, testQueueConfig } from "./support/index.js";

const config = testQueueConfig();
let producer: Producer | undefined;
let workers: Workers | undefined;
const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await workers?.close();
  workers = undefined;
  await producer?.close();
  for (const c of closers.splice(0)) await c.close();
  await cleanupQueues(config);
});

const ids = () => ({ runId: randomUUID(), executionId: randomUUID() });
const noop = () => Promise.resolve();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (cond: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(25);
  }
};
const slots = (ttlMs: number): Slots => {
  const s = createSlots({ config, ttlMs });
  closers.push(s);
  return s;
};
const limiter = (rules: string, maxWaitMs: number): ProviderLimiter => {
  const l = createProviderLimiter({ config, rules: parseProviderRateLimits(rules), maxWaitMs });
  closers.push(l);
  return l;
};

describe("per-key slots", () => {
  it("hold at most `limit` holders per key across clients; a holder keeps its slot, expired slots are freed", async () => {
    const a = slots(60_000);
    const b = slots(60_000);
    expect(await a.acquire("user-1", "job-1", 2)).toBe(true);
    expect(await b.acquire("user-1", "job-2", 2)).toBe(true);
    expect(await b.acquire("user-1", "job-3", 2)).toBe(false);
    expect(await b.acquire("user-2", "job-4", 2)).toBe(true);
    // The same job taken over by another worker finds its slot still its own.
    expect(await b.acquire("user-1", "job-1", 2)).toBe(true);
    await a.release("user-1", "job-1");
    expect(await b.acquire("user-1", "job-3", 2)).toBe(true);
    expect((await a.holders("user-1")).sort()).toEqual(["job-2", "job-3"]);

    const short = slots(150);
    expect(await short.acquire("user-3", "job-5", 1)).toBe(true);
    expect(await short.acquire("user-3", "job-6", 1)).toBe(false);
    await sleep(300);
    expect(await short.refresh("user-3", "job-5")).toBe(false);
    expect(await short.acquire("user-3", "job-6", 1)).toBe(true);
  });
});

describe("provider rate limits", () => {
  it("parse from the env format and refuse a bad entry by name", () => {
    expect(parseProviderRateLimits("llm=60/60s, Remotive=10/1m,x=5/500ms")).toEqual({
      llm: { limit: 60, windowMs: 60_000 },
      remotive: { limit: 10, windowMs: 60_000 },
      x: { limit: 5, windowMs: 500 },
    });
    expect(parseProviderRateLimits("")).toEqual({});
    expect(() => parseProviderRateLimits("llm=60")).toThrow(/"llm=60" is not/);
  });

  it("hold across limiter instances, refuse past the limit with a delay, and record saturation until a call passes", async () => {
    const one = limiter("llm=3/1s", 0);
    const two = limiter("llm=3/1s", 0);
    const results = await Promise.allSettled([...Array(4)].flatMap(() => [one.acquire("llm"), two.acquire("llm")]));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as RateLimitedError);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(refused).toHaveLength(5);
    for (const err of refused) {
      expect(err).toBeInstanceOf(RateLimitedError);
      expect(err.retryAfterMs).toBeGreaterThan(0);
      expect(err.provider).toBe("llm");
    }
    // A provider without a rule is never limited.
    await expect(one.acquire("remotive")).resolves.toBeUndefined();

    const [llm] = await providerSaturation(config, ["llm"]);
    expect(llm?.limitedSinceMs).toEqual(expect.any(Number));
    expect(await providerSaturation(config)).toEqual([{ provider: "llm", limitedSinceMs: llm!.limitedSinceMs }]);

    // A caller willing to wait gets through once the window resets, and that clears the saturation.
    const patient = limiter("llm=3/1s", 5_000);
    await patient.acquire("llm");
    expect(await providerSaturation(config, ["llm", "remotive"])).toEqual([
      { provider: "llm", limitedSinceMs: null },
      { provider: "remotive", limitedSinceMs: null },
    ]);
  });

  it("stop waiting when the caller's signal is aborted", async () => {
    const l = limiter("llm=1/10s", 60_000);
    await l.acquire("llm");
    const ctrl = new AbortController();
    const waiting = l.acquire("llm", { signal: ctrl.signal });
    ctrl.abort(new Error("node timed out"));
    await expect(waiting).rejects.toThrow("node timed out");
  });
});

describe("workers", () => {
  it("reschedule a job whose handler is rate limited without counting an attempt", async () => {
    producer = createProducer({ config });
    const seen: number[] = [];
    const handlers: Handlers = {
      [QUEUES.profiling]: noop,
      [QUEUES.jobSearch]: (job) => {
        seen.push(job.attempt);
        return seen.length <= 4 ? Promise.reject(new RateLimitedError("llm", 50)) : Promise.resolve();
      },
      [QUEUES.delivery]: noop,
    };
    workers = createWorkers({ config, handlers, queues: [QUEUES.jobSearch] });
    const data = ids();
    await producer.enqueue(QUEUES.jobSearch, data, { jobId: data.executionId });
    await until(async () => (await producer!.jobState(QUEUES.jobSearch, data.executionId)) === "completed");
    // Five runs of the handler (the job-search queue allows five attempts), all of them attempt 1.
    expect(seen).toEqual([1, 1, 1, 1, 1]);
  });

  it("cap the jobs of one owner running at once; the excess waits without holding a slot and others' jobs run", async () => {
    producer = createProducer({ config });
    const running = new Map<string, number>();
    let maxOfA = 0;
    const order: string[] = [];
    const owners = new Map<string, string>();
    const handlers: Handlers = {
      [QUEUES.profiling]: noop,
      [QUEUES.jobSearch]: async (job) => {
        const owner = owners.get(job.data.executionId)!;
        running.set(owner, (running.get(owner) ?? 0) + 1);
        if (owner === "A") maxOfA = Math.max(maxOfA, running.get(owner)!);
        await sleep(150);
        running.set(owner, running.get(owner)! - 1);
        order.push(owner);
      },
      [QUEUES.delivery]: noop,
    };
    workers = createWorkers({
      config,
      handlers,
      queues: [QUEUES.jobSearch],
      concurrency: 3,
      fairness: { queues: [QUEUES.jobSearch], limit: 1, retryDelayMs: 100, ownerOf: (_q, data) => Promise.resolve(owners.get((data as { executionId: string }).executionId) ?? null) },
    });
    const jobs = [...Array(6)].map(() => ({ ...ids(), owner: "A" })).concat([{ ...ids(), owner: "B" }]);
    for (const j of jobs) {
      owners.set(j.executionId, j.owner);
      await producer.enqueue(QUEUES.jobSearch, { runId: j.runId, executionId: j.executionId }, { jobId: j.executionId });
    }
    await until(() => order.length === jobs.length, 30_000);
    expect(maxOfA).toBe(1);
    // B's single job, queued last, does not wait for A's queue to drain.
    expect(order.indexOf("B")).toBeLessThan(3);
    const completed = await Promise.all(jobs.map(async (j) => (await producer!.jobState(QUEUES.jobSearch, j.executionId)) === "completed"));
    expect(completed.every(Boolean)).toBe(true);
  });

  it("report their health: running with both connections ready, and not once closed", async () => {
    const handlers: Handlers = { [QUEUES.profiling]: noop, [QUEUES.jobSearch]: noop, [QUEUES.delivery]: noop };
    const w = createWorkers({ config, handlers });
    await until(async () => (await w.health()).ok);
    const h = await w.health();
    expect(h.queues.map((q) => [q.queue, q.running, q.client, q.blocking])).toEqual([
      ["profiling", true, "ready", "ready"],
      ["job-search", true, "ready", "ready"],
      ["delivery", true, "ready", "ready"],
    ]);
    await w.close();
    expect((await w.health()).ok).toBe(false);
  });
});
