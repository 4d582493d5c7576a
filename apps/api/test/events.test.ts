import { listRunEvents, notifyRunEvent } from "@job-agent/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStream, type SseEvent } from "./sse.js";
import { call, startStack, waitForRun, type Stack } from "./support.js";

const NODES = ["ProfileRetrieval", "Discovery", "Matching", "Research", "Fabrication", "Completion", "Delivery"];

let s: Stack;
beforeAll(async () => {
  s = await startStack({ worker: true, env: { SSE_HEARTBEAT_MS: 1_000 } });
});
afterAll(async () => {
  await s?.close();
});

const payload = (e: SseEvent) => JSON.parse(e.data) as { id: string; type: string; node?: string; status?: string; runId: string };

describe("GET /v1/runs/:id/events", () => {
  it("delivers a real run's events in order, and a reconnect with Last-Event-ID resumes without gaps or repeats", async () => {
    const res = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Data Analyst", location: "Berlin" } });
    const first = await openStream(res.body.eventsUrl, s.keyA);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const seen: SseEvent[] = [];
    for (let i = 0; i < 3; i++) seen.push((await first.next())!);
    first.close();

    const resumed = await openStream(res.body.eventsUrl, s.keyA, seen.at(-1)!.id!);
    const rest = await resumed.rest();
    expect(rest.at(-1)!.event).toBe("end");
    const all = [...seen, ...rest.slice(0, -1)];

    const stored = await listRunEvents(s.tdb.db, res.body.runId);
    expect(all.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(all.every((e) => e.id === payload(e).id && e.event === payload(e).type && payload(e).runId === res.body.runId)).toBe(true);
    const ids = all.map((e) => BigInt(e.id!));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    expect(payload(all[0]!)).toMatchObject({ type: "run.status", status: "running" });
    expect(all.filter((e) => e.event === "node.started").map((e) => payload(e).node)).toEqual(NODES);
    expect(all.filter((e) => e.event === "node.completed").map((e) => payload(e).node)).toEqual(NODES);
    expect(payload(all.at(-1)!)).toMatchObject({ type: "run.status", status: "completed" });

    // A finished run replays everything and ends; resuming from its last event just ends.
    const again = await (await openStream(res.body.eventsUrl, s.keyA)).rest();
    expect(again.slice(0, -1).map((e) => e.id)).toEqual(stored.map((e) => e.id));
    const tail = await (await openStream(res.body.eventsUrl, s.keyA, stored.at(-1)!.id)).rest();
    expect(tail.map((e) => e.event)).toEqual(["end"]);
  });

  it("feeds every stream from the one LISTEN connection and survives losing it", async () => {
    // A run with no worker behind it: its events are written here, by hand, through the real notify path.
    const quiet = await startStack({ worker: false, env: { SSE_HEARTBEAT_MS: 200 } });
    try {
      const res = await call(quiet.base, "POST", "/v1/job-searches", { key: quiet.keyA, body: { query: "Nurse", location: "Leeds" } });
      const runId: string = res.body.runId;
      const exec = await quiet.tdb.db.prisma.workflowExecution.findFirstOrThrow({ where: { runId } });
      const streams = await Promise.all([1, 2, 3].map(() => openStream(res.body.eventsUrl, quiet.keyA)));
      await expect.poll(() => quiet.events.subscriberCount()).toBe(3);
      const listeners = async () =>
        (await quiet.tdb.db.pool.query("select pid from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'")).rows as { pid: number }[];
      expect(await listeners()).toHaveLength(1);
      // Idle streams get heartbeat comments, so proxies keep them open.
      await expect(streams[0]!.next(1_000)).rejects.toThrow(/no event in time/);
      expect(streams[0]!.comments()).toBeGreaterThanOrEqual(1);

      const emit = (e: { type: "run.status" | "node.started" | "node.completed"; status?: string; node?: string }) =>
        quiet.tdb.db.prisma.$transaction((tx) => notifyRunEvent(tx, { ...e, runId, executionId: exec.id }));
      await emit({ type: "run.status", status: "running" });
      for (const st of streams) expect((await st.next())!.event).toBe("run.status");

      // Drop the listening connection; events sent meanwhile are replayed when it is back.
      const [listener] = await listeners();
      await quiet.tdb.db.pool.query("select pg_terminate_backend($1)", [listener!.pid]);
      await emit({ type: "node.started", node: "ProfileRetrieval" });
      await emit({ type: "node.completed", node: "ProfileRetrieval" });
      await expect.poll(() => quiet.events.isListening(), { timeout: 10_000 }).toBe(true);
      await emit({ type: "run.status", status: "completed" });
      await quiet.tdb.db.prisma.run.update({ where: { id: runId }, data: { status: "completed" } });

      const stored = (await listRunEvents(quiet.tdb.db, runId)).map((e) => e.id);
      for (const st of streams) {
        const rest = await st.rest();
        expect(rest.map((e) => e.event)).toEqual(["node.started", "node.completed", "run.status", "end"]);
        expect(rest.slice(0, -1).map((e) => e.id)).toEqual(stored.slice(1));
      }
      await expect.poll(() => quiet.events.subscriberCount()).toBe(0);
    } finally {
      await quiet.close();
    }
  });

  it("is 404 for another user's run and 401 without a key", async () => {
    const res = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Chef", location: "Rome" } });
    const other = await openStream(res.body.eventsUrl, s.keyB);
    expect(other.status).toBe(404);
    expect(other.headers.get("content-type")).toMatch(/problem\+json/);
    expect((await fetch(res.body.eventsUrl)).status).toBe(401);
    await waitForRun(s.base, s.keyA, res.body.runId);
  });
});
