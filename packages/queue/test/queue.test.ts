import { randomUUID } from "node:crypto";
import { PermanentError, RetryableError } from "@job-agent/shared/errors";
import { afterEach, describe, expect, it } from "vitest";
import { QUEUES, createProducer, createWorkers, type Handlers, type Producer, type Workers } from "../src/index.js";
import { cleanupQueues, testQueueConfig } from "./support/index.js";

const config = testQueueConfig();
let producer: Producer | undefined;
let workers: Workers | undefined;
afterEach(async () => {
  await workers?.close();
  await producer?.close();
  await cleanupQueues(config);
});

const ids = () => ({ runId: randomUUID(), executionId: randomUUID() });
const noop = () => Promise.resolve();
const until = async (cond: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("producers", () => {
  it("enqueue a job once per job id", async () => {
    producer = createProducer({ config });
    const data = ids();
    await producer.enqueue(QUEUES.jobSearch, data, { jobId: data.executionId });
    await producer.enqueue(QUEUES.jobSearch, data, { jobId: data.executionId });
    const counts = await producer.counts(QUEUES.jobSearch);
    expect(counts.waiting).toBe(1);
    expect(await producer.jobState(QUEUES.jobSearch, data.executionId)).toBe("waiting");
    expect(await producer.jobState(QUEUES.jobSearch, randomUUID())).toBe("missing");
  });

  it("refuse a payload that is not ids", async () => {
    producer = createProducer({ config });
    await expect(producer.enqueue(QUEUES.delivery, { runId: "not-a-uuid" }, { jobId: "x" })).rejects.toThrow();
    await expect(producer.enqueue(QUEUES.jobSearch, { runId: randomUUID(), executionId: randomUUID(), cvText: "secret" } as never, { jobId: "y" })).resolves.toBeUndefined();
    // Unknown fields are stripped before the job reaches Redis.
    const counts = await producer.counts(QUEUES.jobSearch);
    expect(counts.waiting).toBe(1);
  });

  it("fail fast instead of hanging when Redis is down", async () => {
    producer = createProducer({ config: { url: "redis://127.0.0.1:1", prefix: config.prefix }, timeoutMs: 1_500 });
    const data = ids();
    await expect(producer.enqueue(QUEUES.jobSearch, data, { jobId: data.executionId })).rejects.toThrow();
    expect(await producer.ping()).toBe(false);
  });
});

describe("workers", () => {
  it("run each queue's handler with the parsed payload and attempt numbers", async () => {
    producer = createProducer({ config });
    const seen: { queue: string; attempt: number; final: boolean }[] = [];
    const handlers: Handlers = {
      [QUEUES.profiling]: (job) => (seen.push({ queue: job.queue, attempt: job.attempt, final: job.isFinalAttempt }), Promise.resolve()),
      [QUEUES.jobSearch]: noop,
      [QUEUES.delivery]: noop,
    };
    workers = createWorkers({ config, handlers });
    const data = ids();
    await producer.enqueue(QUEUES.profiling, data, { jobId: data.executionId });
    await until(() => seen.length === 1);
    expect(seen[0]).toEqual({ queue: "profiling", attempt: 1, final: false });
  });

  it("retry a retryable error and give up at once on a permanent one", async () => {
    producer = createProducer({ config });
    const attempts: Record<string, number[]> = {};
    const failed: string[] = [];
    const handlers: Handlers = {
      [QUEUES.profiling]: noop,
      [QUEUES.jobSearch]: (job) => {
        (attempts[job.data.runId] ??= []).push(job.attempt);
        if (job.data.runId === permanent.runId) return Promise.reject(new PermanentError("bad input"));
        if (job.attempt < 2) return Promise.reject(new RetryableError("flaky"));
        return Promise.resolve();
      },
      [QUEUES.delivery]: noop,
    };
    const permanent = ids();
    const flaky = ids();
    workers = createWorkers({ config, handlers, onFailed: (j) => failed.push(j.id) });
    await producer.enqueue(QUEUES.jobSearch, permanent, { jobId: permanent.executionId });
    await producer.enqueue(QUEUES.jobSearch, flaky, { jobId: flaky.executionId });
    await until(async () => (await producer!.jobState(QUEUES.jobSearch, flaky.executionId)) === "completed");
    await until(() => failed.length === 1);
    expect(attempts[permanent.runId]).toEqual([1]);
    expect(attempts[flaky.runId]).toEqual([1, 2]);
    expect(failed).toEqual([permanent.executionId]);
  });
});
