import { readFileSync } from "node:fs";
import { QUEUES } from "@job-agent/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startStack, waitForRun, type Stack } from "./support.js";

const cvText = readFileSync(new URL("../../../../shared/fixtures/cvs/resume-match-api-john-doe-swe.txt", import.meta.url), "utf8");

// `idle` has no worker, so its runs stay pending; `live` runs them.
let idle: Stack;
let live: Stack;
beforeAll(async () => {
  [idle, live] = await Promise.all([startStack({ worker: false }), startStack({ worker: true })]);
});
afterAll(async () => {
  await Promise.all([idle?.close(), live?.close()]);
});

const submit = async (stack: Stack, key: string, query: string) => {
  const res = await call(stack.base, "POST", "/v1/job-searches", { key, body: { query, location: "Berlin", maxScreening: 2 } });
  expect(res.status).toBe(202);
  return res.body.runId as string;
};

const latestExecution = (stack: Stack, runId: string) =>
  stack.tdb.db.prisma.workflowExecution.findFirstOrThrow({ where: { runId }, orderBy: { createdAt: "desc" } });

describe("POST /v1/runs/:id/cancel", () => {
  it("cancels a run that has not started at once, and its queued job is gone", async () => {
    const runId = await submit(idle, idle.keyA, "Cancelled Carpenter");
    const exec = await latestExecution(idle, runId);
    expect(await idle.producer.jobState(QUEUES.jobSearch, exec.id)).not.toBe("missing");

    const res = await call(idle.base, "POST", `/v1/runs/${runId}/cancel`, { key: idle.keyA });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId, status: "cancelled" });

    const run = (await call(idle.base, "GET", `/v1/runs/${runId}`, { key: idle.keyA })).body;
    expect(run.status).toBe("cancelled");
    expect(run.completedAt).not.toBeNull();
    expect(run.executions).toEqual([expect.objectContaining({ executionId: exec.id, status: "cancelled", attempts: 0 })]);
    expect(await idle.producer.jobState(QUEUES.jobSearch, exec.id)).toBe("missing");
    const row = await idle.tdb.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row.cancelRequestedAt).not.toBeNull();
    const events = await idle.tdb.db.prisma.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.type, (e.data as { status?: string }).status])).toContainEqual(["run.status", "cancelled"]);

    // Cancelled is finished: a second cancel is a 409.
    const again = await call(idle.base, "POST", `/v1/runs/${runId}/cancel`, { key: idle.keyA });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });

  it("leaves a running run to its worker: the request is recorded, the status is unchanged", async () => {
    const runId = await submit(idle, idle.keyA, "Running Glazier");
    const exec = await latestExecution(idle, runId);
    // As a worker would have it: the execution started.
    await idle.tdb.db.prisma.workflowExecution.update({ where: { id: exec.id }, data: { status: "running", attempts: 1, startedAt: new Date() } });
    await idle.tdb.db.prisma.run.update({ where: { id: runId }, data: { status: "running", startedAt: new Date() } });

    const res = await call(idle.base, "POST", `/v1/runs/${runId}/cancel`, { key: idle.keyA });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId, status: "running" });
    const row = await idle.tdb.db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { executions: true } });
    expect(row.cancelRequestedAt).not.toBeNull();
    expect(row.status).toBe("running");
    expect(row.executions.map((e) => e.status)).toEqual(["running"]);
  });

  it("is a 404 for another user's run and changes nothing", async () => {
    const runId = await submit(idle, idle.keyA, "Private Mason");
    const res = await call(idle.base, "POST", `/v1/runs/${runId}/cancel`, { key: idle.keyB });
    expect(res.status).toBe(404);
    const row = await idle.tdb.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row.status).toBe("pending");
    expect(row.cancelRequestedAt).toBeNull();
  });

  it("is a 409 for a completed run", async () => {
    const runId = await submit(live, live.keyA, "Software Engineer");
    expect((await waitForRun(live.base, live.keyA, runId)).status).toBe("completed");
    const res = await call(live.base, "POST", `/v1/runs/${runId}/cancel`, { key: live.keyA });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/completed/);
  });
});

describe("POST /v1/runs/:id/retry", () => {
  it("starts a new execution of a failed run, which completes; the run keeps both executions", async () => {
    // A profile that is ready, to copy its extracted data from.
    const profiled = await call(live.base, "POST", "/v1/profiles", { key: live.keyA, body: { cvText } });
    expect((await waitForRun(live.base, live.keyA, profiled.body.runId)).status).toBe("completed");
    const ready = await live.tdb.db.prisma.profile.findUniqueOrThrow({ where: { id: profiled.body.profileId } });

    // A profile that is not: a search on it fails for good at ProfileRetrieval.
    const pending = await live.tdb.db.prisma.profile.create({ data: { userId: ready.userId, status: "pending" } });
    const res = await call(live.base, "POST", "/v1/job-searches", { key: live.keyA, body: { query: "Software Engineer", location: "Austin", profileId: pending.id, maxScreening: 2 } });
    expect(res.status).toBe(202);
    const runId = res.body.runId as string;
    const failed = await waitForRun(live.base, live.keyA, runId);
    expect(failed.status).toBe("failed");
    expect(failed.error.code).toBe("profile_not_ready");

    await live.tdb.db.prisma.profile.update({ where: { id: pending.id }, data: { status: "ready", data: ready.data ?? {}, suggestedTitles: ready.suggestedTitles } });
    const retry = await call(live.base, "POST", `/v1/runs/${runId}/retry`, { key: live.keyA });
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ runId, status: "pending", statusUrl: `${live.base}/v1/runs/${runId}`, eventsUrl: `${live.base}/v1/runs/${runId}/events` });
    expect(retry.body.executionId).not.toBe(failed.executions[0].executionId);

    const done = await waitForRun(live.base, live.keyA, runId);
    expect(done.status).toBe("completed");
    expect(done.error).toBeNull();
    expect(done.progress).toBe(100);
    expect(done.executions.map((e: { executionId: string; status: string }) => [e.executionId, e.status])).toEqual([
      [retry.body.executionId, "completed"],
      [failed.executions[0].executionId, "failed"],
    ]);
    expect(done.executions[1].error.code).toBe("profile_not_ready");
    expect(done.nodes.every((n: { status: string }) => n.status === "completed")).toBe(true);

    // Completed: no more retries.
    const again = await call(live.base, "POST", `/v1/runs/${runId}/retry`, { key: live.keyA });
    expect(again.status).toBe(409);
    expect(await live.tdb.db.prisma.workflowExecution.count({ where: { runId } })).toBe(2);
  });

  it("retries a cancelled run; a pending run and another user's run cannot be retried", async () => {
    const runId = await submit(idle, idle.keyA, "Retried Electrician");
    expect((await call(idle.base, "POST", `/v1/runs/${runId}/retry`, { key: idle.keyA })).status).toBe(409);
    expect((await call(idle.base, "POST", `/v1/runs/${runId}/cancel`, { key: idle.keyA })).body.status).toBe("cancelled");
    expect((await call(idle.base, "POST", `/v1/runs/${runId}/retry`, { key: idle.keyB })).status).toBe(404);

    const retry = await call(idle.base, "POST", `/v1/runs/${runId}/retry`, { key: idle.keyA });
    expect(retry.status).toBe(202);
    const row = await idle.tdb.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row).toMatchObject({ status: "pending", cancelRequestedAt: null, completedAt: null, error: null });
    expect(await idle.producer.jobState(QUEUES.jobSearch, retry.body.executionId)).not.toBe("missing");
    const view = (await call(idle.base, "GET", `/v1/runs/${runId}`, { key: idle.keyA })).body;
    expect(view.status).toBe("pending");
    expect(view.executions.map((e: { status: string }) => e.status)).toEqual(["pending", "cancelled"]);
  });

  it("with an Idempotency-Key, a repeated retry starts one execution", async () => {
    const runId = await submit(idle, idle.keyA, "Idempotent Retrier");
    await call(idle.base, "POST", `/v1/runs/${runId}/cancel`, { key: idle.keyA });
    const headers = { "idempotency-key": `retry-${runId}` };
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(idle.base, "POST", `/v1/runs/${runId}/retry`, { key: idle.keyA, headers })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.executionId)).size).toBe(1);
    expect(await idle.tdb.db.prisma.workflowExecution.count({ where: { runId } })).toBe(2);
  });
});
