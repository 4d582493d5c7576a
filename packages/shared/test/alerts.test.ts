import { describe, expect, it } from "vitest";
import { evaluateAlerts, memoryAlertStore, slackNotifier, type AlertNotice } from "../src/alerts.js";
import { startReceiver } from "./support/index.js";

const t0 = new Date("2026-01-01T00:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe("evaluateAlerts", () => {
  it("fires after the grace period, once per repeat period, and resolves once", async () => {
    const store = memoryAlertStore();
    const sent: AlertNotice[] = [];
    const notify = (n: AlertNotice) => (sent.push(n), Promise.resolve());
    const cond = (active: boolean) => [{ key: "queue.no-worker:job-search", active, message: "no worker", graceMs: 10_000 }];
    const run = (active: boolean, s: number) => evaluateAlerts(cond(active), { store, notify, now: at(s), repeatMs: 60_000 });

    expect(await run(true, 0)).toEqual([]); // pending: within grace
    expect(await run(true, 5)).toEqual([]);
    expect((await run(true, 10)).map((n) => n.state)).toEqual(["firing"]);
    expect(await run(true, 30)).toEqual([]); // debounced
    expect((await run(true, 71)).map((n) => n.state)).toEqual(["firing"]); // repeat period passed
    expect((await run(false, 80)).map((n) => [n.state, n.message])).toEqual([["resolved", "resolved: no worker"]]);
    expect(await run(false, 90)).toEqual([]);
    expect(sent).toHaveLength(3);
    expect(sent[0]!.since).toEqual(at(0));
  });

  it("never announces a condition that cleared within its grace period", async () => {
    const store = memoryAlertStore();
    const notify = () => Promise.resolve();
    const c = (active: boolean) => [{ key: "k", active, message: "m", graceMs: 60_000 }];
    expect(await evaluateAlerts(c(true), { store, notify, now: at(0), repeatMs: 1 })).toEqual([]);
    expect(await evaluateAlerts(c(false), { store, notify, now: at(5), repeatMs: 1 })).toEqual([]);
    expect(store.records.get("k")?.status).toBe("resolved");
  });
});

describe("slackNotifier", () => {
  it("posts a Slack-compatible message", async () => {
    const r = await startReceiver();
    try {
      await slackNotifier(r.url)({ key: "infra.redis", state: "firing", message: "Redis is unreachable", details: { a: 1 }, since: t0 });
      const body = JSON.parse(r.received[0]!.body);
      expect(body.text).toContain("Redis is unreachable");
      expect(body.alert).toMatchObject({ key: "infra.redis", state: "firing" });
    } finally {
      await r.close();
    }
  });
});
