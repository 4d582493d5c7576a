import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startStack, type Stack } from "./support.js";

// The API's producer and rate limiter point at a port where no Redis listens.
let s: Stack;
beforeAll(async () => {
  s = await startStack({ worker: false, apiRedis: { url: "redis://127.0.0.1:1", timeoutMs: 300 }, env: { RATE_LIMIT_FREE: 1 } });
});
afterAll(async () => {
  await s?.close();
});

describe("with Redis down at submit time", () => {
  it("a job search is still accepted: 202, the run and its execution pending in Postgres", async () => {
    const res = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Outage Nurse", location: "Madrid" } });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe("pending");
    const run = await s.tdb.db.prisma.run.findUniqueOrThrow({ where: { id: res.body.runId }, include: { executions: true } });
    expect(run.status).toBe("pending");
    expect(run.executions.map((e) => e.status)).toEqual(["pending"]);
    // The status URL answers from Postgres alone.
    const view = await call(s.base, "GET", `/v1/runs/${res.body.runId}`, { key: s.keyA });
    expect(view.status).toBe(200);
    expect(view.body.status).toBe("pending");
  });

  it("the rate limiter lets requests through instead of refusing or hanging", async () => {
    // The free plan's limit is 1 request per window here; with the limiter down, none is refused.
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await call(s.base, "POST", "/v1/job-searches", { key: s.keyB, body: { query: `Outage Clerk ${i}`, location: "Porto" } }));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(await s.tdb.db.prisma.run.count({ where: { status: "pending", input: { path: ["location"], equals: "Porto" } } })).toBe(3);
  });

  it("readiness reports Redis down", async () => {
    const ready = await call(s.base, "GET", "/ready");
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ postgres: true, redis: false });
  });
});
