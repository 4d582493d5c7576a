import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, upload } from "./files.js";
import { call, startStack, type Stack } from "./support.js";

/** Resolves every host to a public address; "slow.test" only once `release()` is called (holds a request in flight). */
const gatedResolver = () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    resolve: async (host: string) => {
      if (host === "slow.test") await gate;
      return [{ address: "93.184.215.14", family: 4 as const }];
    },
    release: () => release(),
  };
};

let s: Stack;
let quick: Stack;
const gate = gatedResolver();
beforeAll(async () => {
  [s, quick] = await Promise.all([
    startStack({ worker: false }),
    // A repeat of an in-flight request waits only briefly here before its 409.
    startStack({ worker: false, env: { IDEMPOTENCY_WAIT_MS: 200 }, resolve: gate.resolve }),
  ]);
});
afterAll(async () => {
  gate.release();
  await Promise.all([s?.close(), quick?.close()]);
});

const search = (stack: Stack, key: string, idem: string, body: Record<string, unknown>) =>
  call(stack.base, "POST", "/v1/job-searches", { key, body, headers: { "idempotency-key": idem } });

const runsWithQuery = (stack: Stack, query: string) => stack.tdb.db.prisma.run.count({ where: { input: { path: ["query"], equals: query } } });

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body.errors).toEqual([expect.objectContaining({ field: "header.idempotency-key" })]);
};

describe("Idempotency-Key", () => {
  it("20 concurrent identical requests create one run and all get its id", async () => {
    const body = { query: "Concurrent Welder", location: "Leeds" };
    const answers = await Promise.all(Array.from({ length: 20 }, () => search(s, s.keyA, "burst-1", body)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const ids = new Set(answers.map((a) => a.body.runId));
    expect(ids.size).toBe(1);
    expect(await runsWithQuery(s, "Concurrent Welder")).toBe(1);
    // One request ran; the other 19 got its stored answer, byte for byte.
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true").length).toBe(19);
    for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
    expect(await s.tdb.db.prisma.workflowExecution.count({ where: { runId: [...ids][0] } })).toBe(1);
  });

  it("a repeat gets the same status and body (and Location), marked as replayed", async () => {
    const body = { query: "Replay Baker", location: "Paris", numResults: 5 };
    const first = await search(s, s.keyA, "replay-1", body);
    expect(first.status).toBe(202);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    // Same body, keys in another order: the same request.
    const again = await search(s, s.keyA, "replay-1", { numResults: 5, location: "Paris", query: "Replay Baker" });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(first.body.statusUrl);
    expect(await runsWithQuery(s, "Replay Baker")).toBe(1);
  });

  it("the same key with a different body is a 422 and creates nothing", async () => {
    await search(s, s.keyA, "mismatch-1", { query: "Mismatch Cook", location: "Rome" });
    const other = await search(s, s.keyA, "mismatch-1", { query: "Mismatch Cook", location: "Milan" });
    expectProblem(other, 422);
    // Another path with the same key is another request too.
    const elsewhere = await call(s.base, "POST", "/v1/me/webhook-secret", { key: s.keyA, headers: { "idempotency-key": "mismatch-1" } });
    expectProblem(elsewhere, 422);
    expect(await runsWithQuery(s, "Mismatch Cook")).toBe(1);
  });

  it("a key still in flight is a 409 with Retry-After; once answered, repeats get the answer", async () => {
    const body = { query: "Slow Plumber", location: "Oslo", webhookUrl: "http://slow.test/hook" };
    const first = search(quick, quick.keyA, "inflight-1", body);
    // The first request is held at its webhook URL check, after it claimed the key.
    await expect.poll(() => quick.tdb.db.prisma.idempotencyKey.count({ where: { key: "inflight-1", state: "in_flight" } })).toBe(1);
    const second = await search(quick, quick.keyA, "inflight-1", body);
    expectProblem(second, 409);
    expect(second.headers.get("retry-after")).toBe("1");
    gate.release();
    const done = await first;
    expect(done.status).toBe(202);
    const third = await search(quick, quick.keyA, "inflight-1", body);
    expect(third.status).toBe(202);
    expect(third.body.runId).toBe(done.body.runId);
    expect(await runsWithQuery(quick, "Slow Plumber")).toBe(1);
  });

  it("a key left in flight by a request that died is taken over after a while", async () => {
    const body = { query: "Orphan Welder", location: "Graz" };
    const first = await search(quick, quick.keyA, "orphan-1", body);
    expect(first.status).toBe(202);
    // As if the process had died after claiming the key: no answer stored.
    const orphan = (minutesAgo: number) =>
      quick.tdb.db.prisma.idempotencyKey.updateMany({
        where: { key: "orphan-1" },
        data: { state: "in_flight", responseStatus: null, createdAt: new Date(Date.now() - minutesAgo * 60_000) },
      });
    await orphan(1);
    expectProblem(await search(quick, quick.keyA, "orphan-1", body), 409);
    await orphan(10);
    const taken = await search(quick, quick.keyA, "orphan-1", body);
    expect(taken.status).toBe(202);
    expect(taken.headers.get("idempotent-replayed")).toBeNull();
    expect(taken.body.runId).not.toBe(first.body.runId);
    const replay = await search(quick, quick.keyA, "orphan-1", body);
    expect(replay.body.runId).toBe(taken.body.runId);
  });

  it("keys are per user: another user's same key string is their own request", async () => {
    const body = { query: "Shared Key Tailor", location: "Lisbon" };
    const a = await search(s, s.keyA, "shared-key", body);
    const b = await search(s, s.keyB, "shared-key", body);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.runId).not.toBe(a.body.runId);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
    expect((await call(s.base, "GET", `/v1/runs/${b.body.runId}`, { key: s.keyB })).status).toBe(200);
    expect((await call(s.base, "GET", `/v1/runs/${a.body.runId}`, { key: s.keyB })).status).toBe(404);
    expect(await runsWithQuery(s, "Shared Key Tailor")).toBe(2);
  });

  it("an expired key is forgotten: the key works again for a new request", async () => {
    const body = { query: "Expiring Roofer", location: "Dublin" };
    const first = await search(s, s.keyA, "expiring-1", body);
    const row = await s.tdb.db.prisma.idempotencyKey.findFirstOrThrow({ where: { key: "expiring-1" } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(24 * 60 * 60 * 1000);
    await s.tdb.db.prisma.idempotencyKey.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const again = await search(s, s.keyA, "expiring-1", body);
    expect(again.status).toBe(202);
    expect(again.body.runId).not.toBe(first.body.runId);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect(await runsWithQuery(s, "Expiring Roofer")).toBe(2);
    // The expired row was cleaned up; the key now holds the new answer.
    const rows = await s.tdb.db.prisma.idempotencyKey.findMany({ where: { key: "expiring-1" } });
    expect(rows.map((r) => (r.responseBody as { runId: string }).runId)).toEqual([again.body.runId]);
  });

  it("a 4xx answer is stored and replayed too", async () => {
    const bad = await search(s, s.keyA, "bad-1", { query: "", location: "Nowhere" });
    expect(bad.status).toBe(400);
    const again = await search(s, s.keyA, "bad-1", { query: "", location: "Nowhere" });
    expect(again.status).toBe(400);
    expect(again.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(bad.body);
  });

  it("an invalid key is a 400 naming the header", async () => {
    for (const idem of ["x".repeat(201), "tab\there"]) {
      const res = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Bad Key Clerk", location: "Bern" }, headers: { "idempotency-key": idem } });
      expectProblem(res, 400);
    }
    expect(await runsWithQuery(s, "Bad Key Clerk")).toBe(0);
  });

  it("multipart uploads are matched by their parts, not their boundary", async () => {
    const cv = fixture("resume-match-api-john-doe-swe.txt");
    const headers = { "idempotency-key": "upload-1" };
    const first = await upload(s.base, s.keyA, [{ name: "cv.txt", bytes: cv }], { name: "John" }, headers);
    expect(first.status).toBe(202);
    const again = await upload(s.base, s.keyA, [{ name: "cv.txt", bytes: cv }], { name: "John" }, headers);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const changed = await upload(s.base, s.keyA, [{ name: "cv.txt", bytes: Buffer.concat([cv, Buffer.from("\nMore.")]) }], { name: "John" }, headers);
    expectProblem(changed, 422);
    expect(await s.tdb.db.prisma.profile.count({ where: { name: "John" } })).toBe(1);
  });
});
