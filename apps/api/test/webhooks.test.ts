import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startStack, waitForRun, type Stack } from "./support.js";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
const plan: Record<string, number[]> = {};
let receiver: Server;
let hook = "";
let s: Stack;

beforeAll(async () => {
  // A webhook receiver that answers what each path's plan says (the last answer repeats).
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body });
      const answers = plan[path] ?? [204];
      const n = received.filter((r) => r.path === path).length;
      res.statusCode = answers[Math.min(n, answers.length) - 1]!;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  s = await startStack({
    worker: true,
    env: { OUTBOUND_ALLOW_PRIVATE_HOSTS: ["127.0.0.1"] },
    webhookRetry: { attempts: 4, baseDelayMs: 50, jitter: 0.5 },
  });
});
afterAll(async () => {
  await s?.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const deliveries = async (key: string, runId: string) => (await call(s.base, "GET", `/v1/runs/${runId}/deliveries`, { key })).body.items as any[];

const waitForDeliveries = async (key: string, runId: string, done: (items: any[]) => boolean): Promise<any[]> => {
  const until = Date.now() + 20_000;
  for (;;) {
    const items = await deliveries(key, runId);
    if (done(items)) return items;
    if (Date.now() > until) throw new Error(`deliveries of ${runId}: ${JSON.stringify(items)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const search = async (path: string, key = s.keyA) => {
  const res = await call(s.base, "POST", "/v1/job-searches", { key, body: { query: "Accountant", location: "Paris", maxScreening: 2, webhookUrl: `${hook}${path}` } });
  expect(res.status).toBe(202);
  return res.body.runId as string;
};

describe("signed webhooks", () => {
  it("are verified by the standardwebhooks library and retried, with the same id, after a 500", async () => {
    plan["/flaky"] = [500, 500, 204];
    const runId = await search("/flaky");
    const run = await waitForRun(s.base, s.keyA, runId);
    expect(run.status).toBe("completed");
    const items = await waitForDeliveries(s.keyA, runId, (xs) => xs.some((d) => d.status === "succeeded"));
    expect(items.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([
      [1, "failed", 500],
      [2, "failed", 500],
      [3, "succeeded", 204],
    ]);
    expect(new Set(items.map((d) => d.webhookId)).size).toBe(1);

    const got = received.filter((r) => r.path === "/flaky");
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(got[0]!.headers["webhook-id"]).toBe(items[0].webhookId);
    const secret: string = (await call(s.base, "GET", "/v1/me", { key: s.keyA })).body.webhookSecret;
    for (const r of got) {
      const payload = new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as any;
      expect(payload).toMatchObject({ type: "run.completed", data: { runId, kind: "job_search", status: "completed" } });
      expect(payload.data.result.summary.shortlisted).toBeGreaterThan(0);
    }
    const wrong = `whsec_${Buffer.from("not the user's secret, 32 bytes!").toString("base64")}`;
    expect(() => new Webhook(wrong).verify(got[0]!.body, got[0]!.headers as Record<string, string>)).toThrow();

    // The receiver's trouble never touched the run.
    expect((await call(s.base, "GET", `/v1/runs/${runId}`, { key: s.keyA })).body.status).toBe("completed");
  });

  it("give up after the last attempt, leaving the run completed", async () => {
    plan["/down"] = [503];
    const runId = await search("/down");
    const items = await waitForDeliveries(s.keyA, runId, (xs) => xs.length >= 4);
    await new Promise((r) => setTimeout(r, 500));
    const after = await deliveries(s.keyA, runId);
    expect(after.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([1, 2, 3, 4].map((n) => [n, "failed", 503]));
    expect(items).toHaveLength(4);
    expect((await call(s.base, "GET", `/v1/runs/${runId}`, { key: s.keyA })).body.status).toBe("completed");
  });

  it("stop at a 410, which disables the endpoint for later runs", async () => {
    plan["/gone"] = [410];
    const first = await search("/gone");
    const items = await waitForDeliveries(s.keyA, first, (xs) => xs.length >= 1);
    expect(items.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([[1, "failed", 410]]);
    expect(items[0].error).toMatch(/410/);

    const second = await search("/gone");
    const skipped = await waitForDeliveries(s.keyA, second, (xs) => xs.length >= 1);
    expect(skipped.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([[1, "skipped", null]]);
    expect(skipped[0].error).toMatch(/disabled/);
    expect(received.filter((r) => r.path === "/gone")).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await deliveries(s.keyA, first)).toHaveLength(1);
  });

  it("go out for profiling runs too, signed with the secret in force, and are listed only to their owner", async () => {
    plan["/profile"] = [200];
    const rotated: string = (await call(s.base, "POST", "/v1/me/webhook-secret", { key: s.keyB })).body.webhookSecret;
    const res = await call(s.base, "POST", "/v1/profiles", { key: s.keyB, body: { cvText: "Jane Roe\njane@example.com\nRegistered nurse, 8 years in intensive care.", webhookUrl: `${hook}/profile` } });
    expect(res.status).toBe(202);
    await waitForRun(s.base, s.keyB, res.body.runId);
    await waitForDeliveries(s.keyB, res.body.runId, (xs) => xs.some((d) => d.status === "succeeded"));
    const [got] = received.filter((r) => r.path === "/profile");
    const payload = new Webhook(rotated).verify(got!.body, got!.headers as Record<string, string>) as any;
    expect(payload).toMatchObject({ type: "run.completed", data: { runId: res.body.runId, kind: "profiling" } });
    expect((await call(s.base, "GET", `/v1/runs/${res.body.runId}/deliveries`, { key: s.keyA })).status).toBe(404);
  });
});
