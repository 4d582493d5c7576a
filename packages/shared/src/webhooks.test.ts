import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_RETRY, postWebhook, webhookRetryDelayMs } from "./webhooks.js";

const secret = `whsec_${Buffer.from("a secret of thirty-two bytes!!!!").toString("base64")}`;
let received: { headers: IncomingHttpHeaders; body: string }[] = [];
let answer = 204;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.statusCode = answer;
    res.end();
  });
});
let url = "";
const outbound = { allowPrivateHosts: ["127.0.0.1"], httpsOnly: false };
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("postWebhook", () => {
  it("sends a body the standardwebhooks library verifies with the user's secret", async () => {
    received = [];
    answer = 204;
    const res = await postWebhook({ url, secret, webhookId: "msg_1", body: { type: "run.completed", data: { runId: "r1" } }, outbound });
    expect(res).toMatchObject({ ok: true, status: 204, webhookId: "msg_1" });
    const [req] = received;
    const payload = new Webhook(secret).verify(req!.body, req!.headers as Record<string, string>);
    expect(payload).toEqual({ type: "run.completed", data: { runId: "r1" } });
    expect(() => new Webhook(`whsec_${Buffer.from("another secret, not the same one").toString("base64")}`).verify(req!.body, req!.headers as Record<string, string>)).toThrow();
  });

  it("reports a failing receiver and an unreachable one without throwing", async () => {
    answer = 500;
    expect(await postWebhook({ url, secret, body: {}, outbound })).toMatchObject({ ok: false, status: 500, error: "receiver answered 500" });
    const closed = await postWebhook({ url: "http://127.0.0.1:9/", secret, body: {}, timeoutMs: 1_000, outbound });
    expect(closed.ok).toBe(false);
    expect(closed.status).toBeNull();
    expect(closed.error).toBeTruthy();
  });
});

describe("webhook safety and retries", () => {
  it("never posts to a private address that is not allowed", async () => {
    received = [];
    const res = await postWebhook({ url, secret, body: {} });
    expect(res).toMatchObject({ ok: false, status: null });
    expect(res.error).toMatch(/not public/);
    expect(received).toEqual([]);
  });

  it("backs off exponentially with jitter over about a day", () => {
    const policy = WEBHOOK_RETRY;
    const max = Array.from({ length: policy.attempts - 1 }, (_, i) => webhookRetryDelayMs(i + 2, policy, () => 0));
    const min = Array.from({ length: policy.attempts - 1 }, (_, i) => webhookRetryDelayMs(i + 2, policy, () => 1));
    expect(max[1]! / max[0]!).toBe(2);
    const hours = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(hours(max)).toBeGreaterThan(20);
    expect(hours(max)).toBeLessThan(30);
    expect(hours(min)).toBeGreaterThan(12);
  });
});
