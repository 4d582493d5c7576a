import { readFileSync } from "node:fs";
import { createApiKey } from "@job-agent/db";
import { createScheduleSync } from "@job-agent/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startStack, waitForRun, type Stack } from "./support.js";

const cvText = readFileSync(new URL("../../../../shared/fixtures/cvs/prismia-maria-garcia-nurse.md", import.meta.url), "utf8");
let s: Stack;
let adminKey: string;
beforeAll(async () => {
  s = await startStack({ worker: true });
  adminKey = (await createApiKey(s.tdb.db, { email: "ops@example.com", admin: true })).key;
});
afterAll(async () => {
  await s?.close();
});

describe("PUT /v1/profiles/:id/schedule", () => {
  it("stores the daily search (09:00 in the profile's timezone by default) and mirrors it to the queue at once", async () => {
    const created = await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvText } });
    await waitForRun(s.base, s.keyA, created.body.runId);
    const path = `/v1/profiles/${created.body.profileId}/schedule`;

    expect((await call(s.base, "GET", path, { key: s.keyA })).body).toMatchObject({ cron: "0 9 * * *", enabled: false, lastFiredAt: null });
    const put = await call(s.base, "PUT", path, { key: s.keyA, body: { enabled: true } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ profileId: created.body.profileId, cron: "0 9 * * *", timezone: "UTC", enabled: true, lastFiredAt: null });

    const changed = await call(s.base, "PUT", path, { key: s.keyA, body: { cron: "30 7 * * 1-5", timezone: "America/Vancouver", enabled: true } });
    expect(changed.body).toMatchObject({ cron: "30 7 * * 1-5", timezone: "America/Vancouver" });
    expect((await call(s.base, "GET", path, { key: s.keyA })).body).toMatchObject({ cron: "30 7 * * 1-5" });

    const sync = createScheduleSync(s.config);
    try {
      expect(await sync.list()).toEqual([created.body.profileId]);
      const off = await call(s.base, "PUT", path, { key: s.keyA, body: { enabled: false } });
      expect(off.body.enabled).toBe(false);
      expect(await sync.list()).toEqual([]);
    } finally {
      await sync.close();
    }
    expect(await s.tdb.db.prisma.schedule.count()).toBe(1);
  });

  it("names the bad field and stores nothing", async () => {
    const created = await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvText } });
    const path = `/v1/profiles/${created.body.profileId}/schedule`;
    const before = await s.tdb.db.prisma.schedule.count();
    const cases: [unknown, string][] = [
      [{ enabled: true, cron: "61 9 * * *" }, "body.cron"],
      [{ enabled: true, cron: "* * * * * *" }, "body.cron"],
      [{ enabled: true, timezone: "Mars/Olympus_Mons" }, "body.timezone"],
      [{ cron: "0 9 * * *" }, "body.enabled"],
      [{ enabled: true, every: "day" }, "body.every"],
    ];
    for (const [body, field] of cases) {
      const res = await call(s.base, "PUT", path, { key: s.keyA, body });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await s.tdb.db.prisma.schedule.count()).toBe(before);
    expect((await call(s.base, "PUT", path, { key: s.keyB, body: { enabled: true } })).status).toBe(404);
  });
});

describe("admin operations", () => {
  it("/admin/stats and /admin/queues answer admins and refuse others", async () => {
    const run = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Nurse", location: "Vancouver" } });
    await waitForRun(s.base, s.keyA, run.body.runId);

    for (const path of ["/admin/stats", "/admin/queues"]) {
      expect((await call(s.base, "GET", path)).status).toBe(401);
      expect((await call(s.base, "GET", path, { key: s.keyA })).status).toBe(403);
    }
    const stats = await call(s.base, "GET", "/admin/stats", { key: adminKey });
    expect(stats.status).toBe(200);
    expect(stats.body.runs.lastDay).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "job_search", status: "completed" })]));
    expect(stats.body.queues.map((q: { queue: string }) => q.queue).sort()).toEqual(["delivery", "job-search", "profiling"]);
    expect(stats.body.queues.every((q: { workers: number }) => q.workers > 0)).toBe(true);
    const discovery = stats.body.nodes.find((n: { kind: string; node: string }) => n.kind === "job_search" && n.node === "Discovery");
    expect(discovery.completed).toBeGreaterThan(0);
    expect(discovery.failureRate).toBe(0);

    const board = await fetch(`${s.base}/admin/queues`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain("job-agent queues");
  });
});
