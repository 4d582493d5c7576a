import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, describe, expect, it } from "vitest";
import { createQueueBoard } from "../src/index.js";
import { cleanupQueues, testQueueConfig } from "./support/index.js";

const config = testQueueConfig();
afterAll(() => cleanupQueues(config));

describe("the queue board", () => {
  it("serves every queue read-only, with no retry or clean actions", async () => {
    const board = createQueueBoard(config, "/admin/queues");
    const app = express();
    app.use("/admin/queues", board.router);
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/queues`;
    try {
      const page = await fetch(base);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("job-agent queues");
      const api = await fetch(`${base}/api/queues?activeQueue=job-search&status=latest&page=1&jobsPerPage=10`);
      expect(api.status).toBe(200);
      const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean; allowRetries: boolean }[] };
      expect(body.queues.map((q) => q.name).sort()).toEqual(["delivery", "job-search", "profiling", "schedules"]);
      expect(body.queues.every((q) => q.readOnlyMode && !q.allowRetries)).toBe(true);
      const retry = await fetch(`${base}/api/queues/job-search/retry/failed`, { method: "PUT" });
      expect(retry.status).toBeGreaterThanOrEqual(400);
    } finally {
      server.close();
      await board.close();
    }
  });
});
